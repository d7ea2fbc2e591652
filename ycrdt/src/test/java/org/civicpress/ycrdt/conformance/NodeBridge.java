package org.civicpress.ycrdt.conformance;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One long-lived node process running a script in --serve mode: a JSON line in, a JSON line out.
 * Spawning node per seed would cost more than the checks themselves.
 */
public final class NodeBridge implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 180;

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final StringBuilder stderrTail = new StringBuilder();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "node-bridge-reader");
        t.setDaemon(true);
        return t;
    });

    public NodeBridge(String script, String... args) throws IOException {
        Path js = RepoPaths.requireNodeModules();
        List<String> cmd = new ArrayList<>(List.of(
                RepoPaths.nodeBinary(),
                "--max-old-space-size=4096",
                js.resolve(script).toString()));
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).directory(js.toFile()).start();
        in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread drain = new Thread(() -> drain(process.getErrorStream()), "node-bridge-stderr");
        drain.setDaemon(true);
        drain.start();
    }

    private void drain(InputStream err) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = err.read(buf)) > 0; ) {
                synchronized (stderrTail) {
                    stderrTail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (stderrTail.length() > 8000) {
                        stderrTail.delete(0, stderrTail.length() - 8000);
                    }
                }
            }
        } catch (IOException ignored) {
            // process gone: nothing more to keep
        }
    }

    /** Sends one request (a JSON tree) and returns the parsed response; a response {"error":...} throws. */
    public synchronized Map<String, Object> request(Map<String, Object> req) {
        String line = call(MiniJson.write(req));
        Map<String, Object> res = MiniJson.parseObject(line);
        if (res.containsKey("error")) {
            throw new IllegalStateException("node failed on " + req.get("op") + ": " + res.get("error"));
        }
        return res;
    }

    private String call(String line) {
        try {
            in.write(line);
            in.write('\n');
            in.flush();
            Future<String> f = reader.submit(out::readLine);
            String res = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (res == null) {
                throw new IllegalStateException("node exited (" + exitInfo() + "); stderr: " + stderr());
            }
            return res;
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "node did not answer within " + TIMEOUT_SECONDS + " s; stderr: " + stderr(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("talking to node failed: " + e + "; stderr: " + stderr(), e);
        }
    }

    private String exitInfo() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? "exit code " + process.exitValue() : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private String stderr() {
        synchronized (stderrTail) {
            return stderrTail.toString();
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing stdin is how we ask node to stop; a broken pipe means it already did
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        reader.shutdownNow();
    }
}
