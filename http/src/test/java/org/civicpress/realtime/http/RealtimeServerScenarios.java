package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end behaviour of the real server jar with real y-websocket clients (node), run once per
 * database by the *IT subclasses.
 */
abstract class RealtimeServerScenarios {
    private static final Logger log = LoggerFactory.getLogger(RealtimeServerScenarios.class);
    static final Duration SYNC = Duration.ofSeconds(60);
    static final Duration CONVERGE = Duration.ofSeconds(90);
    static final Duration POLL = Duration.ofMillis(300);

    @TempDir
    Path dataDir;

    private final ChildProcesses processes = new ChildProcesses();

    /** REALTIME_DB_* variables selecting the database (empty: the embedded H2 default). */
    abstract Map<String, String> databaseEnv();

    abstract String databaseName();

    @AfterEach
    void killEverything() {
        // Reverse order: clients first, then servers.
        processes.close();
    }

    ServerProcess startServer(int port, String logName) throws Exception {
        ServerProcess server = ServerProcess.start(dataDir, port, databaseEnv(), databaseName() + "-" + logName);
        processes.add(server);
        return server;
    }

    NodeClient editor(String name, ServerProcess server, String room, int interval) throws Exception {
        NodeClient client =
                NodeClient.editor(databaseName() + "-" + room + "-" + name, name, server.wsBase(), room, interval);
        processes.add(client);
        return client;
    }

    /** The document as a late joiner receives it from the server. */
    String serverText(ServerProcess server, String room) throws Exception {
        try (NodeClient reader = NodeClient.start(
                databaseName() + "-" + room + "-reader-" + UUID.randomUUID(),
                "reader.mjs",
                List.of("--url", server.wsBase(), "--room", room, "--timeout", "60000"))) {
            return reader.await("state", SYNC).path("text").asText();
        }
    }

    @Test
    void threeClientsConvergeAndALateJoinerGetsTheServersDocument() throws Exception {
        ServerProcess server = startServer(ServerProcess.freePort(), "collaboration");
        String room = "collab-" + UUID.randomUUID();
        List<NodeClient> editors =
                List.of(editor("a", server, room, 40), editor("b", server, room, 40), editor("c", server, room, 40));
        NodeClient.startTyping(editors, SYNC);
        Poll.until(CONVERGE, POLL, () -> {
            for (NodeClient editor : editors) {
                int typed = editor.report().path("typed").size();
                if (typed < 25) {
                    return editor.name() + " typed only " + typed;
                }
            }
            return null;
        });
        for (NodeClient editor : editors) {
            editor.send("stop");
            editor.await("stopped", SYNC);
        }

        Map<String, JsonNode> reports = new HashMap<>();
        Poll.until(CONVERGE, POLL, () -> {
            Set<String> texts = new HashSet<>();
            for (NodeClient editor : editors) {
                JsonNode report = editor.report();
                reports.put(editor.name(), report);
                texts.add(report.path("text").asText());
                if (report.path("confirmed").size() != report.path("typed").size()) {
                    return editor.name() + " has " + report.path("confirmed").size() + " of "
                            + report.path("typed").size() + " edits confirmed";
                }
            }
            return Poll.unless(texts.size() == 1, () -> texts.size() + " different texts");
        });
        String text = reports.values().iterator().next().path("text").asText();
        for (JsonNode report : reports.values()) {
            for (String marker : NodeClient.strings(report.path("typed"))) {
                assertEquals(text.indexOf(marker), text.lastIndexOf(marker), marker + " exactly once");
                assertTrue(text.contains(marker), marker + " in the converged text");
            }
        }
        assertEquals(text, serverText(server, room), "a late joiner receives the server's full document");

        // Awareness: everyone sees the others; a client that vanishes (SIGKILL, no close frame) disappears.
        NodeClient a = editors.get(0);
        Poll.until(SYNC, POLL, () -> {
            List<String> users = NodeClient.strings(a.report().path("users"));
            return Poll.unless(users.equals(List.of("b", "c")), () -> "a sees users " + users);
        });
        editors.get(2).kill();
        Poll.until(Duration.ofSeconds(75), POLL, () -> {
            List<String> users = NodeClient.strings(a.report().path("users"));
            return Poll.unless(users.equals(List.of("b")), () -> "a still sees users " + users);
        });
        for (NodeClient editor : editors.subList(0, 2)) {
            editor.quit();
        }
    }

    @Test
    void everyConfirmedEditSurvivesKillDashNine() throws Exception {
        int port = ServerProcess.freePort();
        ServerProcess server = startServer(port, "crash-before");
        String room = "crash-" + UUID.randomUUID();
        List<NodeClient> editors =
                List.of(editor("a", server, room, 15), editor("b", server, room, 15), editor("c", server, room, 15));
        NodeClient.startTyping(editors, SYNC);
        Poll.until(CONVERGE, POLL, () -> NodeClient.fewerConfirmedThan(editors, 40));

        server.kill(); // SIGKILL while all three are typing
        Set<String> confirmedBeforeCrash = new HashSet<>();
        Map<String, Integer> typedAtCrash = new HashMap<>();
        for (NodeClient editor : editors) {
            editor.send("disconnect"); // stay offline (typing on) until the recovered state was read
            JsonNode report = editor.report();
            confirmedBeforeCrash.addAll(NodeClient.strings(report.path("confirmed")));
            typedAtCrash.put(editor.name(), report.path("typed").size());
        }
        Poll.until(CONVERGE, POLL, () -> {
            for (NodeClient editor : editors) {
                if (editor.report().path("typed").size() < typedAtCrash.get(editor.name()) + 10) {
                    return editor.name() + " has not typed offline yet";
                }
            }
            return null;
        });

        ServerProcess restarted = startServer(port, "crash-after");
        String recovered = serverText(restarted, room);
        List<String> lost = confirmedBeforeCrash.stream()
                .filter(marker -> !recovered.contains(marker))
                .sorted()
                .toList();
        assertTrue(
                lost.isEmpty(),
                lost.size() + " of " + confirmedBeforeCrash.size() + " confirmed edits missing after kill -9, e.g. "
                        + lost.subList(0, Math.min(5, lost.size())));
        log.info("{}: {} confirmed edits before kill -9, all recovered", databaseName(), confirmedBeforeCrash.size());

        for (NodeClient editor : editors) {
            editor.send("connect");
        }
        for (NodeClient editor : editors) {
            editor.send("stop");
            editor.await("stopped", SYNC);
        }
        Map<String, JsonNode> reports = new HashMap<>();
        Poll.until(CONVERGE, POLL, () -> {
            Set<String> texts = new HashSet<>();
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
            return null;
        });
        String converged = reports.values().iterator().next().path("text").asText();
        Poll.until(CONVERGE, POLL, () -> {
            String fromServer = serverText(restarted, room);
            return Poll.unless(fromServer.equals(converged), () -> "the server's document differs from the clients'");
        });
        for (NodeClient editor : editors) {
            editor.quit();
        }
    }
}
