package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server with its default embedded H2 journal, plus the HTTP/WebSocket error surface. */
class H2ServerIT extends RealtimeServerScenarios {
    @Override
    Map<String, String> databaseEnv() {
        // A small message limit so that the 1009 check does not need 16 MiB frames.
        return Map.of("REALTIME_WEBSOCKET_MAX_MESSAGE_BYTES", "1048576");
    }

    @Override
    String databaseName() {
        return "h2";
    }

    @Test
    void badInputGetsTheDocumentedHttpErrorsAndCloseCodesAndShutdownSays1012() throws Exception {
        ServerProcess server = startServer(ServerProcess.freePort(), "errors");
        assertEquals(200, server.get("/health").statusCode());
        assertEquals(200, server.get("/alive").statusCode());
        HttpResponse<String> metrics = server.get("/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("realtime_connections_active"), metrics.body());

        HttpResponse<String> badId = server.get("/realtime/bad%20id");
        assertEquals(400, badId.statusCode());
        assertTrue(badId.body().contains("\"code\":\"INVALID_ROOM_ID\""), badId.body());
        assertTrue(badId.body().contains("\"correlationId\""), badId.body());
        assertEquals(400, server.get("/realtime/plain-http").statusCode(), "no upgrade -> 400");

        assertEquals(4400, probe(server, "text", 5), "text frames are not y-websocket");
        assertEquals(1009, probe(server, "binary", 1048577), "one frame over the limit");
        assertEquals(1009, probe(server, "fragmented", 1048577), "a fragmented message over the limit");
        assertEquals(4400, probe(server, "garbage", 0), "an undecodable y-protocol message");
        HttpResponse<String> afterProbes = server.get("/metrics");
        assertTrue(
                afterProbes.body().contains("realtime_messages_rejected_total{reason=\"too_big\"} 2"),
                "both 1009 closes counted once: " + afterProbes.body());
        assertTrue(
                afterProbes.headers().firstValue("Content-Type").orElse("").contains("version=0.0.4"),
                afterProbes.headers().toString());
        HttpResponse<String> unknown = server.get("/no-such-endpoint");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("\"code\":\"NOT_FOUND\""), unknown.body());
        assertTrue(
                unknown.body()
                        .contains("\"correlationId\":\""
                                + unknown.headers()
                                        .firstValue("X-Correlation-Id")
                                        .orElseThrow() + "\""),
                unknown.body());

        NodeClient editor = editor("z", server, "shutdown-room", 50);
        editor.await("synced", SYNC);
        server.close(); // SIGTERM: graceful shutdown
        assertEquals(1012, editor.await("closed", SYNC).path("code").asInt(), "clients are told to reconnect");
    }

    @Test
    void thePortAnswersNotReadyWhileStartingAndTheFirstLinesSayWhereToConnect() throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.launch(dataDir, port, databaseEnv(), "h2-starting")) {
            Set<String> seen = new LinkedHashSet<>(); // "-1": not listening yet, else "status body"
            long deadline = System.nanoTime() + ServerProcess.START_TIMEOUT.toNanos();
            while (true) {
                assertTrue(System.nanoTime() < deadline, "not ready in time: " + seen + "\n" + server.logTail());
                try {
                    HttpResponse<String> ready = server.get("/ready");
                    seen.add(ready.statusCode() + " " + ready.body());
                    if (ready.statusCode() == 200) {
                        break;
                    }
                    assertEquals(200, server.get("/alive").statusCode(), "alive while starting");
                } catch (java.io.IOException notListening) {
                    seen.add("-1");
                }
                Thread.sleep(10);
            }
            assertTrue(seen.contains("503 {\"status\":\"starting\"}"), "503 while starting: " + seen);
            assertEquals("200 {\"status\":\"ok\"}", List.copyOf(seen).get(seen.size() - 1));

            java.nio.file.Path log = ItPaths.logDir().resolve("h2-starting.log");
            Poll.until(
                    Duration.ofSeconds(10),
                    Duration.ofMillis(50),
                    () -> Poll.unless(
                            java.nio.file.Files.readString(log).contains("Realtime server ready:"),
                            () -> "no ready line yet"));
            List<String> lines = java.nio.file.Files.readAllLines(log);
            List<String> firstLines = lines.subList(0, Math.min(30, lines.size()));
            String head = String.join("\n", firstLines);
            assertTrue(head.contains("Realtime server ready: ws://127.0.0.1:" + port + "/realtime/<roomId>"), head);
            // The first join must not wait for the journal plugins or the shard coordinator (StartupWarmUp).
            int readyLine = indexOf(lines, "Realtime server ready:");
            assertTrue(indexOf(lines, "Auto-starting journal plugin `jdbc-journal`") < readyLine, head);
            assertTrue(indexOf(lines, "Warmed up: journal answered in") < readyLine, head);
            assertTrue(
                    lines.stream().anyMatch(line -> line.contains("WARN") && line.contains("ANONYMOUS ACCESS IS ON")),
                    "the anonymous default is announced loudly: " + head);
            assertTrue(
                    firstLines.stream()
                            .noneMatch(line -> line.contains("|-INFO in ch.qos.logback")
                                    || line.contains("|-WARN in ch.qos.logback")),
                    "no logback status dump: " + head);
        }
    }

    @Test
    void aFailingStartStepEndsTheProcessWithItsReason() throws Exception {
        try (ServerProcess server = ServerProcess.launch(
                dataDir,
                ServerProcess.freePort(),
                Map.of(
                        "REALTIME_DATABASE_TYPE",
                        "postgres",
                        "REALTIME_DB_URL",
                        "jdbc:postgresql://127.0.0.1:1/none",
                        "REALTIME_DB_USER",
                        "nobody",
                        "REALTIME_DB_PASSWORD",
                        "do-not-log-me"),
                "h2-failing-start")) {
            assertEquals(1, server.awaitExit(ServerProcess.START_TIMEOUT));
            String log = server.logTail();
            assertTrue(log.contains("Realtime server did not start: database failed"), log);
            assertTrue(!log.contains("do-not-log-me"), "the password must not be logged");
        }
    }

    private int probe(ServerProcess server, String mode, int bytes) throws Exception {
        try (NodeClient probe = NodeClient.start(
                "h2-probe-" + mode,
                "probe.mjs",
                List.of(
                        "--url",
                        server.wsBase() + "/probe-room",
                        "--mode",
                        mode,
                        "--bytes",
                        Integer.toString(bytes)))) {
            JsonNode closed = probe.await("closed", Duration.ofSeconds(30));
            return closed.path("code").asInt();
        }
    }

    /** Index of the first line containing {@code text}; fails when there is none. */
    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) return i;
        }
        throw new AssertionError("no line with '" + text + "' in\n" + String.join("\n", lines));
    }
}
