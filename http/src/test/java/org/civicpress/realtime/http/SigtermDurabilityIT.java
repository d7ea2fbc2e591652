package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful shutdown under load: three editors type, the server gets SIGTERM and must exit by itself
 * within 20 s, telling every client 1012 once its rooms stopped; restarted on the same data directory it
 * holds every edit a client saw confirmed; the clients reconnect and converge. The server logs as JSON (REALTIME_LOG_FORMAT)
 * so the test also reads the shutdown phases in order and the MDC keys of room and connection lines.
 */
class SigtermDurabilityIT {
    private static final Logger log = LoggerFactory.getLogger(SigtermDurabilityIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(300);
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(20);
    private static final Map<String, String> JSON_DEBUG_LOGS =
            Map.of("REALTIME_LOG_FORMAT", "json", "REALTIME_LOG_LEVEL", "DEBUG");

    @TempDir
    Path dataDir;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void killEverything() {
        processes.close();
    }

    @Test
    void sigtermTellsClients1012ExitsByItselfAndLosesNoConfirmedEdit() throws Exception {
        int port = ServerProcess.freePort();
        ServerProcess server = start(port, "sigterm-before");
        String room = "sigterm-" + UUID.randomUUID();
        List<NodeClient> editors = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            // 100 ms per keystroke: a fast human typist, inside the default 10 messages/s.
            NodeClient editor = NodeClient.editor("sigterm-" + name, name, server.wsBase(), room, 100);
            processes.add(editor);
            editors.add(editor);
        }
        NodeClient.startTyping(editors, SYNC);
        Poll.until(CONVERGE, POLL, () -> NodeClient.fewerConfirmedThan(editors, 30));

        long sigtermAt = System.nanoTime();
        ProcessHandle.of(server.pid()).orElseThrow().destroy(); // SIGTERM while all three are typing
        for (NodeClient editor : editors) {
            assertEquals(
                    1012, editor.await("closed", SYNC).path("code").asInt(), editor.name() + " is told to reconnect");
        }
        int exitCode = server.awaitExit(EXIT_WITHIN);
        log.info("server exited with {} {} ms after SIGTERM", exitCode, (System.nanoTime() - sigtermAt) / 1_000_000);

        Set<String> confirmedBeforeShutdown = new HashSet<>();
        for (NodeClient editor : editors) {
            editor.send("disconnect"); // stay offline (typing on) until the recovered state was read
            confirmedBeforeShutdown.addAll(NodeClient.strings(editor.report().path("confirmed")));
        }
        assertShutdownLoggedInOrder(ItPaths.logDir().resolve("sigterm-before.log"), room);

        ServerProcess restarted = start(port, "sigterm-after");
        String recovered = serverText(restarted, room);
        List<String> lost = confirmedBeforeShutdown.stream()
                .filter(m -> !recovered.contains(m))
                .sorted()
                .toList();
        assertTrue(
                lost.isEmpty(),
                lost.size() + " of " + confirmedBeforeShutdown.size() + " confirmed edits missing after SIGTERM, e.g. "
                        + lost.subList(0, Math.min(5, lost.size())));
        log.info("{} confirmed edits before SIGTERM, all recovered", confirmedBeforeShutdown.size());
        assertTrue(
                jsonLines(ItPaths.logDir().resolve("sigterm-after.log")).stream()
                        .anyMatch(message("room " + room + " recovered at sequence number")
                                .and(message(", 0 updates replayed after the last snapshot"))),
                "the restarted room recovers from the final snapshot taken at shutdown, replaying nothing");

        for (NodeClient editor : editors) {
            editor.send("connect");
        }
        for (NodeClient editor : editors) {
            editor.send("stop");
            editor.await("stopped", SYNC);
        }
        Poll.until(CONVERGE, POLL, () -> {
            Set<String> texts = new HashSet<>();
            Map<String, JsonNode> reports = new HashMap<>();
            for (NodeClient editor : editors) {
                JsonNode report = editor.report();
                reports.put(editor.name(), report);
                texts.add(report.path("text").asText());
            }
            if (texts.size() != 1) {
                return texts.size() + " different texts after reconnecting";
            }
            String text = texts.iterator().next();
            for (JsonNode report : reports.values()) {
                for (String marker : NodeClient.strings(report.path("typed"))) {
                    if (!text.contains(marker)) {
                        return marker + " (typed by " + report.path("name").asText() + ") missing after reconnecting";
                    }
                }
            }
            return Poll.unless(serverText(restarted, room).equals(text), () -> "the server's document differs");
        });
        for (NodeClient editor : editors) {
            editor.quit();
        }
    }

    private ServerProcess start(int port, String logName) throws Exception {
        ServerProcess server = ServerProcess.start(dataDir, port, JSON_DEBUG_LOGS, logName);
        processes.add(server);
        return server;
    }

    private static String serverText(ServerProcess server, String room) throws Exception {
        try (NodeClient reader = NodeClient.start(
                "sigterm-reader-" + UUID.randomUUID(),
                "reader.mjs",
                List.of("--url", server.wsBase(), "--room", room, "--timeout", "60000"))) {
            return reader.await("state", SYNC).path("text").asText();
        }
    }

    /**
     * The documented shutdown sequence: not ready, HTTP listener unbound, room shards stopping, the room's
     * final snapshot and end of its incarnation, hand-off complete, only then 1012 to clients, cluster leave,
     * actor system terminate. Also: room lines carry
     * roomId and node, connection lines clientId and correlationId (the MDC).
     */
    private static void assertShutdownLoggedInOrder(Path logFile, String room) throws IOException {
        List<JsonNode> lines = jsonLines(logFile);
        assertFalse(lines.isEmpty(), "REALTIME_LOG_FORMAT=json writes JSON lines to " + logFile);
        List<Predicate<JsonNode>> phases = List.of(
                message("Shutdown (stop accepting): not ready"),
                message("HTTP listener unbound"),
                message("stopping room shards"),
                message("room " + room + " stopping: final snapshot"),
                message("room " + room + " incarnation stopped"),
                message("Shutdown (hand-off complete)"),
                message("WebSocket clients to reconnect (1012)"),
                message("leaving the cluster"),
                message("terminating the actor system"));
        int at = -1;
        for (int phase = 0; phase < phases.size(); phase++) {
            int found = -1;
            for (int i = at + 1; i < lines.size() && found < 0; i++) {
                if (phases.get(phase).test(lines.get(i))) {
                    found = i;
                }
            }
            if (found < 0) {
                fail("shutdown step " + (phase + 1) + " of " + phases.size() + " not logged (in order) in " + logFile);
            }
            at = found;
        }
        JsonNode finalSnapshot = lines.stream()
                .filter(message("room " + room + " stopping"))
                .findFirst()
                .orElseThrow();
        assertEquals(room, finalSnapshot.path("roomId").asText(), "room lines carry roomId: " + finalSnapshot);
        assertFalse(finalSnapshot.path("node").asText().isEmpty(), "room lines carry node: " + finalSnapshot);
        JsonNode connectionLine = lines.stream()
                .filter(line -> line.path("logger_name").asText().endsWith("ClientConnection")
                        && room.equals(line.path("roomId").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ClientConnection line for " + room));
        assertFalse(connectionLine.path("clientId").asText().isEmpty(), "clientId in " + connectionLine);
        assertFalse(connectionLine.path("correlationId").asText().isEmpty(), "correlationId in " + connectionLine);
    }

    private static List<JsonNode> jsonLines(Path logFile) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static Predicate<JsonNode> message(String part) {
        return line -> line.path("message").asText().contains(part);
    }
}
