package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.civicpress.realtime.auth.DevToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin inspector (issue 14) on the real server jar with auth on: its JSON API over real HTTP (401 without
 * a token, 403 for a token without the realtime:admin role, the answers with one), and the page in a real
 * browser (js/clients/admin-browser.mjs): two demo tabs on one room, the inspector shows the room with two
 * connections and the typed text in its document JSON, and a third tab's client:connected event arrives live;
 * the room's history view (issue 15): its slider moved to an early point shows an earlier document, and
 * restoring that point gives both demo tabs the earlier text. Screenshots: http/target/screenshots/admin.png,
 * admin-history.png (docs/images/ has copies).
 */
class AdminPageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration STEP = Duration.ofSeconds(150);
    /** A test-only HS256 key (at least 32 bytes); the server and DevToken share it. */
    private static final String SECRET = "admin-page-it-secret-0123456789abcdef";

    @TempDir
    Path dataDir;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopEverything() {
        processes.close();
    }

    @Test
    void theInspectorShowsTheRoomItsConnectionsDocumentAndLiveEvents() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: install Debian's chromium package (.ci/run does)");
        }
        if (ItPaths.nodePackage(ItPaths.clients(), "playwright-core") == null) {
            fail("node cannot find playwright-core from js/clients: run npm ci at the repository root");
        }
        int port = ServerProcess.freePort();
        ServerProcess server = ServerProcess.start(
                dataDir,
                port,
                Map.of("REALTIME_AUTH_ALLOW_ANONYMOUS", "false", "REALTIME_AUTH_JWT_HS256_SECRET", SECRET),
                "admin");
        processes.add(server);
        String admin = token("--sub", "operator", "--role", "realtime:admin");
        String editor = token("--sub", "bob", "--room", "*=write");

        // The API: refused without a token and without the admin role, with the seed's error shape.
        for (String path : List.of(
                "/api/cluster",
                "/api/rooms",
                "/api/rooms/r1",
                "/api/rooms/r1/history",
                "/api/events",
                "/api/events/stream")) {
            assertError(get(port, path, null), 401, "AUTHENTICATION_FAILED", path);
            assertError(get(port, path, editor), 403, "PERMISSION_DENIED", path);
        }
        assertError(get(port, "/api/events?token=not-a-jwt", null), 401, "AUTHENTICATION_FAILED", "?token= is read");
        assertError(get(port, "/api/rooms/bad%20id", admin), 400, "INVALID_ROOM_ID", "room ids are checked");
        assertError(
                get(port, "/api/rooms/r1/no-such-view", admin),
                404,
                "NOT_FOUND",
                "only the exact /api/rooms/{roomId} is the inspector's; its sub-paths are the history API's");
        assertEquals(200, get(port, "/api/rooms/r1/history", admin).statusCode(), "the history API sits beside it");
        HttpResponse<String> cluster = get(port, "/api/cluster", admin);
        assertEquals(200, cluster.statusCode(), cluster.body());
        assertEquals("no-store", cluster.headers().firstValue("Cache-Control").orElse(""));
        JsonNode clusterJson = JSON.readTree(cluster.body());
        assertEquals(1, clusterJson.path("members").size(), cluster.body());
        assertEquals("Up", clusterJson.path("members").get(0).path("status").asText());
        assertEquals(
                clusterJson.path("self").asText(),
                clusterJson.path("members").get(0).path("address").asText());
        assertEquals(200, server.get("/admin").statusCode(), "the page itself is public: its data is not");

        String room = "council-2024-05";
        Path screenshots = ItPaths.repoRoot().resolve("http/target/screenshots");
        NodeClient browser = NodeClient.start(
                "admin-browser",
                "admin-browser.mjs",
                List.of(
                        "--url",
                        "http://127.0.0.1:" + port,
                        "--room",
                        room,
                        "--token",
                        admin,
                        "--editor-token",
                        editor,
                        "--screenshots",
                        screenshots.toString(),
                        "--timeout",
                        "300000"));
        processes.add(browser);

        JsonNode refused = browser.await("refused", STEP);
        assertEquals("401", refused.path("status").asText(), refused.toString());

        JsonNode shown = browser.await("room", STEP);
        assertEquals(2, shown.path("connections").size(), "the two demo tabs: " + shown);
        String document = shown.path("document").toString();
        assertTrue(document.contains("Minutes of the council, typed for the inspector"), document);
        assertTrue(Long.parseLong(shown.path("facts").path("sequenceNr").asText()) > 0, shown.toString());

        JsonNode live = browser.await("live", STEP);
        assertTrue(
                live.path("after").asInt() > live.path("before").asInt(),
                "a client:connected event arrived live: " + live);
        assertTrue(live.path("notReloaded").asBoolean(), "without reloading the page: " + live);

        JsonNode clusterView = browser.await("cluster", STEP);
        assertEquals(1, clusterView.path("members").size(), clusterView.toString());
        assertTrue(clusterView.path("members").get(0).path("text").asText().contains("Up"), clusterView.toString());
        assertTrue(NodeClient.strings(clusterView.path("rooms")).contains(room), clusterView.toString());
        assertEquals("/demo/" + room, clusterView.path("demoLink").asText(), "room ids link to the demo page");
        assertEquals("#/room/" + room, clusterView.path("hash").asText(), "cluster -> node -> room by links");

        // History (issue 15): the slider's early point shows an earlier, shorter document; restoring it reaches
        // the connected demo tabs as an edit.
        JsonNode history = browser.await("history", STEP);
        String typed = history.path("typed").asText();
        assertTrue(history.path("points").asInt() >= 2, "the typing journaled several points: " + history);
        assertTrue(history.path("latestDocument").asText().contains(typed), history.toString());
        String earlyDocument = history.path("earlyDocument").asText();
        assertTrue(!earlyDocument.contains(typed), "an early point shows the text not yet complete: " + history);
        assertTrue(history.path("earlyPoint").asText().contains("bob"), "the update's user: " + history);
        JsonNode restored = browser.await("restored", STEP);
        assertTrue(restored.path("dialog").asText().contains("Restore room " + room), restored.toString());
        List<String> texts = NodeClient.strings(restored.path("texts"));
        assertEquals(2, texts.size(), restored.toString());
        assertEquals(texts.get(0), texts.get(1), "both demo tabs hold the restored version: " + restored);
        String text = texts.get(0);
        assertTrue(text.length() < typed.length() && typed.startsWith(text), restored.toString());
        assertTrue(earlyDocument.contains(text), "the tabs hold the early point's text: " + restored + history);
        assertTrue(
                restored.path("points").asInt() > history.path("points").asInt(),
                "the rollback is a new journal point: " + restored);

        JsonNode done = browser.await("done", STEP);
        assertEquals(List.of(), NodeClient.strings(done.path("pageErrors")), "no error in any page");

        // The same room through the API, as the page read it: since the restore, with the early point's text.
        JsonNode roomJson = JSON.readTree(get(port, "/api/rooms/" + room, admin).body());
        assertEquals(room, roomJson.path("roomId").asText());
        assertTrue(roomJson.path("document").toString().contains(text), roomJson.toString());
        assertTrue(!roomJson.path("document").toString().contains(typed), roomJson.toString());
        JsonNode events = JSON.readTree(get(port, "/api/events", admin).body()).path("events");
        assertTrue(events.size() >= 3, "room created, clients connected: " + events);
    }

    private String token(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--secret";
        all[1] = SECRET;
        System.arraycopy(args, 0, all, 2, args.length);
        return DevToken.mint(all, Map.of(), Clock.systemUTC());
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (token != null) request.header("Authorization", "Bearer " + token);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String what)
            throws Exception {
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals(code, error.path("code").asText(), what + ": " + response.body());
        assertEquals(
                response.headers().firstValue(CorrelationIds.HEADER).orElse(""),
                error.path("correlationId").asText());
    }
}
