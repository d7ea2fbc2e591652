package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition by polling it: the only way tests wait for the system (never a bare sleep). */
final class Poll {
    private Poll() {}

    @FunctionalInterface
    interface Check {
        /** Returns null when satisfied, otherwise what is still missing (shown if time runs out). */
        String missing() throws Exception;
    }

    static void until(Duration timeout, Duration every, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String missing = check.missing();
        while (missing != null) {
            if (System.nanoTime() > deadline) {
                fail("not reached within " + timeout.toSeconds() + " s: " + missing);
            }
            Thread.sleep(every.toMillis());
            missing = check.missing();
        }
    }

    static String unless(boolean ok, Supplier<String> message) {
        return ok ? null : message.get();
    }
}
