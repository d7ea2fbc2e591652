package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.civicpress.realtime.auth.DevToken;
import org.civicpress.realtime.history.AsOf;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History and audit on the real server process (H2 journal) with real y-websocket clients (js/clients/
 * historian.mjs): three users edit a room; the history lists their updates with the right users; the document
 * as of each point and the diffs agree with the Yjs replicas captured at the same points; a rollback reaches
 * the connected clients and survives a restart; a read-only token gets 403 JSON on every history endpoint.
 *
 * <p>The server runs with JWT auth (HS256, anonymous off) and the clients pass {@code ?token=}. While WebSocket
 * authentication is not wired (updates journaled without a user), the per-user assertion falls back to
 * connection ids; once it is, the journaled users must be the tokens' subjects.
 */
class HistoryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ROOM = "minutes-2026";
    private static final String SECRET = "history-it-secret-0123456789-abcdefghijklmnop";
    private static final List<String> USERS = List.of("alice", "bob", "carol");

    /** What a point of the room's history was, as the replicas showed it. */
    private record Point(long sequenceNr, JsonNode json, String text, byte[] update, Instant journaledAt) {}

    @Test
    void historyAsOfDiffAndRollbackAgreeWithTheReplicas(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of(
                "REALTIME_AUTH_JWT_HS256_SECRET", SECRET,
                "REALTIME_AUTH_ALLOW_ANONYMOUS", "false",
                "REALTIME_SNAPSHOTS_MAX_UPDATES", "3",
                "REALTIME_HISTORY_RETAIN_EVENTS", "1h");
        String admin = token("--sub", "admin-ann", "--role", "realtime:admin");
        String reader = token("--sub", "reader-rob", "--room", ROOM + "=read");
        int port = ServerProcess.freePort();
        List<NodeClient> clients = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(dataDir, port, env, "history")) {
            for (String user : USERS) {
                NodeClient c = NodeClient.start(
                        "historian-" + user,
                        "historian.mjs",
                        List.of(
                                "--url",
                                server.wsBase(),
                                "--room",
                                ROOM,
                                "--token",
                                token("--sub", user, "--room", ROOM + "=write"),
                                "--timeout",
                                "300000"));
                clients.add(c);
            }
            for (NodeClient c : clients) c.await("synced", WAIT);

            List<String> edits = List.of(
                    "{\"op\":\"insert\",\"index\":0,\"text\":\"Agenda: budget\"}",
                    "{\"op\":\"set\",\"key\":\"status\",\"value\":\"draft\"}",
                    "{\"op\":\"insert\",\"index\":14,\"text\":\" and parks\"}",
                    "{\"op\":\"delete\",\"index\":0,\"length\":8}",
                    "{\"op\":\"set\",\"key\":\"chair\",\"value\":\"Mayor\"}",
                    "{\"op\":\"remove\",\"key\":\"status\"}",
                    "{\"op\":\"insert\",\"index\":0,\"text\":\"Items: \"}");
            for (int i = 0; i < edits.size(); i++) {
                NodeClient editor = clients.get(i % 3);
                editor.send(edits.get(i));
                editor.await("done", WAIT);
                int expected = i + 1;
                JsonNode[] entries = new JsonNode[1];
                Poll.until(WAIT, Duration.ofMillis(100), () -> {
                    entries[0] = historyEntries(server, admin);
                    return Poll.unless(
                            entries[0].size() == expected,
                            () -> entries[0].size() + " of " + expected + " entries journaled");
                });
                JsonNode last = entries[0].get(expected - 1);
                points.add(converged(
                        clients,
                        last.path("sequenceNr").asLong(),
                        Instant.parse(last.path("time").asText())));
            }

            // history: one entry per update, by the right user, each user on its own connection
            JsonNode entries = historyEntries(server, admin);
            assertEquals(edits.size(), entries.size());
            Map<String, String> connectionOf = new HashMap<>();
            for (int i = 0; i < entries.size(); i++) {
                JsonNode e = entries.get(i);
                String user = USERS.get(i % 3);
                assertEquals(user, e.path("userId").asText(), "entry " + i + ": " + e);
                String previous =
                        connectionOf.putIfAbsent(user, e.path("connectionId").asText());
                if (previous != null)
                    assertEquals(previous, e.path("connectionId").asText(), "same connection");
                assertTrue(e.path("size").asInt() > 0);
            }
            assertEquals(3, new LinkedHashSet<>(connectionOf.values()).size(), "three connections: " + connectionOf);
            assertEquals(
                    14,
                    entries.get(0)
                            .path("changes")
                            .path("content")
                            .path("charactersInserted")
                            .asInt());
            assertEquals(
                    8,
                    entries.get(3)
                            .path("changes")
                            .path("content")
                            .path("charactersDeleted")
                            .asInt());
            assertEquals(
                    "chair",
                    entries.get(4)
                            .path("changes")
                            .path("meta")
                            .path("keysSet")
                            .get(0)
                            .asText());
            assertEquals(
                    "status",
                    entries.get(5)
                            .path("changes")
                            .path("meta")
                            .path("keysRemoved")
                            .get(0)
                            .asText());

            // as of every point: JSON and the binary update agree with the replicas; a time gives the same
            for (Point p : points) {
                HttpResponse<String> doc =
                        call(server, "GET", "/api/rooms/" + ROOM + "/document?at=" + p.sequenceNr(), admin, null);
                assertEquals(200, doc.statusCode(), doc.body());
                assertEquals(content(p.json()), content(JSON.readTree(doc.body())), "as of " + p.sequenceNr());
                HttpResponse<byte[]> bin = HTTP.send(
                        request(server, "GET", "/api/rooms/" + ROOM + "/document?at=" + p.sequenceNr(), admin)
                                .header("Accept", "application/octet-stream")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, bin.statusCode());
                Doc loaded = AsOf.rebuild(bin.body(), List.of());
                assertEquals(
                        content(p.json()),
                        content(JSON.readTree(loaded.toJSONString())),
                        "binary as of " + p.sequenceNr());
                HttpResponse<String> byTime =
                        call(server, "GET", "/api/rooms/" + ROOM + "/document?at=" + p.journaledAt(), admin, null);
                assertEquals(content(p.json()), content(JSON.readTree(byTime.body())), "as of " + p.journaledAt());
            }

            // diff from point 2 to point 5: the text delta turns the earlier text into the later one
            Point from = points.get(1);
            Point to = points.get(4);
            HttpResponse<String> diff = call(
                    server,
                    "GET",
                    "/api/rooms/" + ROOM + "/diff?from=" + from.sequenceNr() + "&to=" + to.sequenceNr(),
                    admin,
                    null);
            assertEquals(200, diff.statusCode(), diff.body());
            JsonNode changes = JSON.readTree(diff.body()).path("changes");
            assertEquals(
                    to.text(),
                    applyTextDelta(from.text(), changes.path("content").path("delta")),
                    diff.body());
            assertEquals(
                    "Mayor",
                    changes.path("meta")
                            .path("keys")
                            .path("chair")
                            .path("newValue")
                            .asText());

            // a read-only token and no token cannot call any of it (403 / 401 JSON)
            for (String[] call : new String[][] {
                {"GET", "history?after=0"},
                {"GET", "document?at=1"},
                {"GET", "diff?from=1&to=2"},
                {"POST", "rollback?at=1"}
            }) {
                HttpResponse<String> denied = call(server, call[0], "/api/rooms/" + ROOM + "/" + call[1], reader, null);
                assertEquals(403, denied.statusCode(), call[1] + ": " + denied.body());
                assertEquals(
                        "PERMISSION_DENIED",
                        JSON.readTree(denied.body()).path("error").path("code").asText());
                HttpResponse<String> anonymous =
                        call(server, call[0], "/api/rooms/" + ROOM + "/" + call[1], null, null);
                assertEquals(401, anonymous.statusCode(), call[1] + ": " + anonymous.body());
            }
            assertEquals(
                    400,
                    call(server, "GET", "/api/rooms/" + ROOM + "/document?at=yesterday", admin, null)
                            .statusCode());

            // rollback to point 2: a new update every connected client receives
            Point target = points.get(1);
            HttpResponse<String> rollback =
                    call(server, "POST", "/api/rooms/" + ROOM + "/rollback?at=" + target.sequenceNr(), admin, "");
            assertEquals(200, rollback.statusCode(), rollback.body());
            assertTrue(JSON.readTree(rollback.body()).path("changed").asBoolean());
            Poll.until(WAIT, Duration.ofMillis(100), () -> {
                for (NodeClient c : clients) {
                    c.send("{\"op\":\"capture\"}");
                    JsonNode captured = c.await("captured", WAIT);
                    if (!content(target.json()).equals(content(captured.path("json")))) {
                        return c.name() + " shows " + captured.path("json");
                    }
                }
                return null;
            });
            JsonNode afterRollback = historyEntries(server, admin);
            JsonNode rollbackEntry = afterRollback.get(afterRollback.size() - 1);
            assertEquals("rollback", rollbackEntry.path("connectionId").asText());
            assertEquals("admin-ann", rollbackEntry.path("userId").asText());
            for (NodeClient c : clients) c.quit();
            clients.clear();
        } finally {
            for (NodeClient c : clients) c.close();
        }

        // restart: the rolled back document is the room's document, the journal still has every earlier point
        try (ServerProcess again = ServerProcess.start(dataDir, ServerProcess.freePort(), env, "history-restart")) {
            NodeClient fresh = NodeClient.start(
                    "historian-after-restart",
                    "historian.mjs",
                    List.of(
                            "--url",
                            again.wsBase(),
                            "--room",
                            ROOM,
                            "--token",
                            token("--sub", "dave", "--room", ROOM + "=write")));
            try {
                fresh.await("synced", WAIT);
                fresh.send("{\"op\":\"capture\"}");
                assertEquals(
                        content(points.get(1).json()),
                        content(fresh.await("captured", WAIT).path("json")));
            } finally {
                fresh.close();
            }
            Point last = points.get(points.size() - 1);
            HttpResponse<String> doc =
                    call(again, "GET", "/api/rooms/" + ROOM + "/document?at=" + last.sequenceNr(), admin, null);
            assertEquals(
                    content(last.json()), content(JSON.readTree(doc.body())), "history before the rollback unchanged");
        }
    }

    /**
     * A document's JSON without empty top-level types: a replica prints the types its code declared ({@code
     * getMap("meta")} prints {@code {}} while empty), the server only those that hold or held something (the
     * update format carries no type for an empty one), and a type emptied by a rollback may print as "".
     */
    private static JsonNode content(JsonNode json) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = json.deepCopy();
        List<String> empty = new ArrayList<>();
        copy.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if ((v.isContainerNode() || v.isTextual())
                    && (v.isTextual() ? v.asText().isEmpty() : v.isEmpty())) {
                empty.add(e.getKey());
            }
        });
        copy.remove(empty);
        return copy;
    }

    /** Captures every client until they agree (the broadcast of the last update reached all). */
    private static Point converged(List<NodeClient> clients, long seq, Instant at) throws Exception {
        JsonNode[] agreed = new JsonNode[1];
        Poll.until(WAIT, Duration.ofMillis(50), () -> {
            JsonNode first = null;
            for (NodeClient c : clients) {
                c.send("{\"op\":\"capture\"}");
                JsonNode captured = c.await("captured", WAIT);
                if (first == null) {
                    first = captured;
                } else if (!first.path("json").equals(captured.path("json"))) {
                    return "replicas differ: " + first.path("json") + " / " + captured.path("json");
                }
            }
            agreed[0] = first;
            return null;
        });
        return new Point(
                seq,
                agreed[0].path("json"),
                agreed[0].path("text").asText(),
                Base64.getDecoder().decode(agreed[0].path("update").asText()),
                at);
    }

    private static String applyTextDelta(String text, JsonNode delta) {
        StringBuilder out = new StringBuilder();
        int cursor = 0;
        for (JsonNode op : delta) {
            if (op.has("retain")) {
                out.append(text, cursor, cursor + op.path("retain").asInt());
                cursor += op.path("retain").asInt();
            } else if (op.has("insert")) {
                out.append(op.path("insert").asText());
            } else if (op.has("delete")) {
                String removed = op.path("delete").asText();
                assertEquals(text.substring(cursor, cursor + removed.length()), removed, "deleted text spelled out");
                cursor += removed.length();
            }
        }
        out.append(text.substring(cursor));
        return out.toString();
    }

    private static JsonNode historyEntries(ServerProcess server, String token) throws Exception {
        HttpResponse<String> r = call(server, "GET", "/api/rooms/" + ROOM + "/history?after=0&limit=1000", token, null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("entries");
    }

    private static HttpRequest.Builder request(ServerProcess server, String method, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    private static HttpResponse<String> call(
            ServerProcess server, String method, String path, String token, String body) throws Exception {
        return HTTP.send(request(server, method, path, token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String... args) {
        return DevToken.mint(args, Map.of("REALTIME_AUTH_JWT_HS256_SECRET", SECRET), Clock.systemUTC());
    }
}
