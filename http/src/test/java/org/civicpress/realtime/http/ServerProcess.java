package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server as a child JVM: {@code java -jar realtime-server.jar} with REALTIME_* environment, on
 * 127.0.0.1 with free ports. {@link #kill()} is SIGKILL (kill -9); {@link #close()} always reaps it.
 */
final class ServerProcess implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the server and waits until {@code GET /health} answers 200. */
    static ServerProcess start(Path dataDir, int port, Map<String, String> extraEnv, String logName)
            throws IOException, InterruptedException {
        ServerProcess server = launch(dataDir, port, extraEnv, logName);
        try {
            server.awaitHealthy();
        } catch (AssertionError | IOException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Starts the server without waiting for it (for start failures). */
    static ServerProcess launch(Path dataDir, int port, Map<String, String> extraEnv, String logName)
            throws IOException {
        Path log = ItPaths.logDir().resolve(logName + ".log");
        int managementPort = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Dpekko.remote.artery.canonical.port=" + freePort(),
                "-Dpekko.management.http.port=" + managementPort,
                "-Dpekko.management.http.bind-port=" + managementPort,
                "-jar",
                ItPaths.serverJar().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("REALTIME_PORT", Integer.toString(port));
        builder.environment().put("REALTIME_HOST", "127.0.0.1");
        builder.environment().put("REALTIME_DATA_DIR", dataDir.toString());
        builder.environment().putAll(extraEnv);
        return new ServerProcess(builder.start(), port, log);
    }

    /** Waits for the process to end by itself; returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            fail("server still running after " + timeout.toSeconds() + " s; log " + log + ":\n" + logTail());
        }
        return process.exitValue();
    }

    int port() {
        return port;
    }

    String wsBase() {
        return "ws://127.0.0.1:" + port + "/realtime";
    }

    long pid() {
        return process.pid();
    }

    /** GET on the server, returning status and body. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("server exited with " + process.exitValue() + " during start; log " + log + ":\n" + logTail());
            }
            try {
                if (get("/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // polled again below
            }
            Thread.sleep(200);
        }
        fail("server not healthy after " + START_TIMEOUT.toSeconds() + " s; log " + log + ":\n" + logTail());
    }

    /** SIGKILL, like kill -9: no shutdown hook, no flush, nothing graceful. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM (graceful), then SIGKILL if it takes longer than 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
