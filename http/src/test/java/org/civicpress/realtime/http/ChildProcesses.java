package org.civicpress.realtime.http;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child processes a real-process test started (servers, node clients): {@link #close()} (from the test's
 * {@code @AfterEach}) stops them in reverse order, so clients go before the servers they talk to, and one
 * that cannot be stopped does not keep the others running.
 */
final class ChildProcesses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);
    private final List<AutoCloseable> processes = new ArrayList<>();

    <T extends AutoCloseable> T add(T process) {
        processes.add(process);
        return process;
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            try {
                processes.get(i).close();
            } catch (Exception e) {
                log.warn("could not stop a child process: {}", e.toString());
            }
        }
        processes.clear();
    }
}
