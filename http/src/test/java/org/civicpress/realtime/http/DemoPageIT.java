package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.civicpress.realtime.auth.DevToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo page (issue 14) served by the real server jar and used in a real browser: Debian's chromium driven
 * by playwright-core (js/clients/demo-browser.mjs). Two tabs type into one room at once and converge, each
 * lists the other and shows its caret; the server is kill -9'ed and restarted on the same port and data
 * directory: the tabs show the lost connection, count what they type meanwhile as waiting for the durable
 * echo, a fresh tab finds every edit both tabs saw confirmed, and the two tabs reconnect and converge with it.
 * Issue 13: a tab on y-websocket and a tab on {@code @hocuspocus/provider} ({@code ?provider=hocuspocus}, the
 * server's Hocuspocus endpoint) share one room: presence and carets both ways, typing at once converges.
 * Screenshots: http/target/screenshots.
 */
class DemoPageIT {
    private static final String SECRET = "demo-page-it-secret-0123456789abcdef";
    private static final Logger log = LoggerFactory.getLogger(DemoPageIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration STEP = Duration.ofSeconds(150);

    @TempDir
    Path dataDir;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void stopEverything() {
        processes.close();
    }

    @Test
    void pagesAndAssetsComeFromTheJarWithTheirTypesAndCaching() throws Exception {
        ServerProcess server = start(ServerProcess.freePort(), "demo-static");
        for (String url : List.of("/demo", "/demo/", "/demo/bylaw:2024-017.draft", "/demo?room=x")) {
            HttpResponse<String> page = server.get(url);
            assertEquals(200, page.statusCode(), url);
            assertEquals("text/html; charset=UTF-8", header(page, "Content-Type"), url);
            assertEquals("no-cache", header(page, "Cache-Control"), url + ": the page names the current assets");
            assertTrue(header(page, "Content-Security-Policy").startsWith("default-src 'self'"), url);
            assertTrue(
                    page.body().contains("<meta name=\"realtime-path\" content=\"/realtime\">"),
                    "the server writes its WebSocket path into the page");
            assertTrue(
                    page.body().contains("<meta name=\"hocuspocus-path\" content=\"/hocuspocus\">"),
                    "and its Hocuspocus path, for ?provider=hocuspocus");
        }
        String html = server.get("/demo").body();
        assertFalse(
                html.contains("http://") || html.contains("https://") || html.contains("//cdn"),
                "the page loads nothing from another origin");
        Map<String, String> types =
                Map.of("js", "application/javascript; charset=UTF-8", "css", "text/css; charset=UTF-8");
        Matcher assets = Pattern.compile("/assets/demo-[A-Z0-9]+\\.(js|css)").matcher(html);
        int found = 0;
        while (assets.find()) {
            found++;
            HttpResponse<String> asset = server.get(assets.group());
            assertEquals(200, asset.statusCode(), assets.group());
            assertEquals(types.get(assets.group(1)), header(asset, "Content-Type"), assets.group());
            assertEquals("public, max-age=31536000, immutable", header(asset, "Cache-Control"), assets.group());
            assertEquals("nosniff", header(asset, "X-Content-Type-Options"), assets.group());
            assertFalse(asset.body().contains("https://cdn"), assets.group() + " fetches nothing from a CDN");
        }
        assertEquals(2, found, "the page links its bundle and its styles: " + html);
        for (String missing : List.of("/assets/nope.js", "/assets/demo.exe", "/assets/..%2Fdemo.html")) {
            HttpResponse<String> answer = server.get(missing);
            assertEquals(404, answer.statusCode(), missing);
            if (!missing.contains("%2F")) {
                JsonNode error = JSON.readTree(answer.body()).path("error");
                assertEquals("NOT_FOUND", error.path("code").asText(), missing);
                assertEquals(missing, error.path("details").path("path").asText());
            }
        }
        assertEquals(404, server.get("/demo/a/b").statusCode(), "a room is one path segment");
        assertEquals(200, server.get("/health").statusCode(), "the other routes are unchanged");
    }

    @Test
    void twoTabsCollaborateAndKeepEveryConfirmedEditThroughKill9() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: install Debian's chromium package (.ci/run does)");
        }
        if (ItPaths.nodePackage(ItPaths.clients(), "playwright-core") == null) {
            fail("node cannot find playwright-core from js/clients: run npm ci at the repository root");
        }
        int port = ServerProcess.freePort();
        ServerProcess server = start(port, "demo-before");
        String room = "town-hall-minutes"; // a fresh data directory: the room is new
        String token1 = token("dora");
        String token2 = token("dora-2");
        Path screenshots = ItPaths.repoRoot().resolve("http/target/screenshots");
        NodeClient browser = NodeClient.start(
                "demo-browser",
                "demo-browser.mjs",
                List.of(
                        "--url",
                        "http://127.0.0.1:" + port,
                        "--room",
                        room,
                        "--screenshots",
                        screenshots.toString(),
                        "--token1",
                        token1,
                        "--token2",
                        token2,
                        "--words",
                        "12",
                        "--timeout",
                        "420000"));
        processes.add(browser);

        JsonNode ready = browser.await("ready", STEP);
        assertEquals(List.of("Bob"), NodeClient.strings(ready.path("peersA")), "Alice's tab lists Bob");
        assertEquals(List.of("Alice"), NodeClient.strings(ready.path("peersB")), "Bob's tab lists Alice");
        assertEquals(List.of("rgb(42, 122, 176)"), NodeClient.strings(ready.path("swatchA")), "in Bob's colour");
        assertEquals(List.of("rgb(209, 73, 91)"), NodeClient.strings(ready.path("swatchB")), "in Alice's colour");

        JsonNode converged = browser.await("converged", STEP);
        String confirmed = converged.path("text").asText();
        assertEquals(confirmed, converged.path("textB").asText(), "both tabs show the same document");
        for (String word : NodeClient.strings(converged.path("words"))) {
            assertTrue(confirmed.contains(word), word + " typed and shown in both tabs");
        }
        assertTrue(NodeClient.strings(converged.path("caretsA")).contains("Bob"), "Alice's tab shows Bob's caret");
        assertTrue(NodeClient.strings(converged.path("caretsB")).contains("Alice"), "Bob's tab shows Alice's caret");
        assertTrue(converged.path("status").asText().contains("all edits saved"), converged.toString());

        server.kill();
        browser.send("killed");
        JsonNode offline = browser.await("offline", STEP);
        assertTrue(offline.path("pending").asInt() > 0, offline.toString());
        assertTrue(offline.path("status").asText().contains("waiting for the durable echo"), offline.toString());

        start(port, "demo-after");
        browser.send("restarted");
        JsonNode recovered = browser.await("recovered", STEP);
        assertEquals(
                confirmed,
                recovered.path("text").asText(),
                "a fresh tab on the restarted server sees exactly what both tabs saw confirmed before kill -9");

        JsonNode reconnected = browser.await("reconnected", STEP);
        List<String> texts = NodeClient.strings(reconnected.path("texts"));
        assertEquals(1, texts.stream().distinct().count(), "the three tabs converge: " + texts);
        for (String word : NodeClient.strings(reconnected.path("offlineWords"))) {
            assertTrue(
                    texts.get(0).contains(word), word + " typed while the server was down arrives after reconnecting");
        }
        for (String tab : List.of("statusesA", "statusesB")) {
            List<String> statuses = NodeClient.strings(reconnected.path(tab));
            int lost = statuses.indexOf("disconnected") >= 0
                    ? statuses.indexOf("disconnected")
                    : statuses.indexOf("connecting");
            assertTrue(
                    lost > 0
                            && statuses.subList(0, lost).contains("connected+synced")
                            && statuses.get(statuses.size() - 1).equals("connected+synced"),
                    tab + ": synced, then the connection lost, then connected and synced again: " + statuses);
        }
        JsonNode token = browser.await("token", STEP);
        assertEquals(wsUrl(port, room) + "?token=" + token1, token.path("url").asText(), "?token= is passed on");
        assertEquals(
                wsUrl(port, room) + "?token=" + token2,
                token.path("fieldUrl").asText(),
                "the token field reconnects with its token");
        JsonNode done = browser.await("done", STEP);
        assertEquals(List.of(), NodeClient.strings(done.path("pageErrors")), "no error in any page");
        log.info(
                "demo: {} characters confirmed before kill -9, all recovered; screenshots in {}",
                confirmed.length(),
                screenshots);
    }

    @Test
    void aYWebsocketTabAndAHocuspocusTabShareOneRoom() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: install Debian's chromium package (.ci/run does)");
        }
        if (ItPaths.nodePackage(ItPaths.clients(), "playwright-core") == null) {
            fail("node cannot find playwright-core from js/clients: run npm ci at the repository root");
        }
        int port = ServerProcess.freePort();
        start(port, "demo-mixed");
        String room = "council-agenda";
        Path screenshots = ItPaths.repoRoot().resolve("http/target/screenshots");
        NodeClient browser = NodeClient.start(
                "demo-browser-mixed",
                "demo-browser.mjs",
                List.of(
                        "--mode",
                        "mixed",
                        "--url",
                        "http://127.0.0.1:" + port,
                        "--room",
                        room,
                        "--screenshots",
                        screenshots.toString(),
                        "--words",
                        "10",
                        "--timeout",
                        "240000"));
        processes.add(browser);

        JsonNode mixed = browser.await("mixed", STEP);
        assertEquals("y-websocket", mixed.path("kindA").asText());
        assertEquals("hocuspocus", mixed.path("kindB").asText(), "?provider=hocuspocus picks the Hocuspocus provider");
        assertEquals(
                "ws://127.0.0.1:" + port + "/hocuspocus", mixed.path("urlB").asText(), "on the server's endpoint");
        assertEquals("", mixed.path("tokenB").asText(), "no token: anonymous");
        String text = mixed.path("textA").asText();
        assertEquals(text, mixed.path("textB").asText(), "both tabs show the same document");
        for (String word : NodeClient.strings(mixed.path("words"))) {
            assertTrue(text.contains(word), word + " typed and shown in both tabs");
        }
        assertEquals(List.of("Bob"), NodeClient.strings(mixed.path("peersA")), "the y-websocket tab lists Bob");
        assertEquals(List.of("Alice"), NodeClient.strings(mixed.path("peersB")), "the Hocuspocus tab lists Alice");
        assertTrue(NodeClient.strings(mixed.path("caretsA")).contains("Bob"), mixed.toString());
        assertTrue(NodeClient.strings(mixed.path("caretsB")).contains("Alice"), mixed.toString());
        assertTrue(
                mixed.path("statusB").asText().startsWith("connected · synced · all edits saved"),
                "no unsynced changes left: " + mixed.path("statusB"));
        JsonNode token = browser.await("token", STEP);
        assertEquals("t0k3n", token.path("token").asText(), "?token= is the provider's token");
        assertTrue(
                token.path("status").asText().contains("4401 authentication failed"),
                "a token the server cannot verify is refused, and the page says so: " + token);
        JsonNode done = browser.await("done", STEP);
        assertEquals(List.of(), NodeClient.strings(done.path("pageErrors")), "no error in any page");
    }

    private ServerProcess start(int port, String logName) throws Exception {
        // Anonymous access stays on (the tabs without a token write); a token a tab presents is verified.
        ServerProcess server =
                ServerProcess.start(dataDir, port, Map.of("REALTIME_AUTH_JWT_HS256_SECRET", SECRET), logName);
        processes.add(server);
        return server;
    }

    /** A writer of every room for {@code sub}, signed with the server's secret. */
    private static String token(String sub) {
        return DevToken.mint(
                new String[] {"--secret", SECRET, "--sub", sub, "--room", "*=write"}, Map.of(), Clock.systemUTC());
    }

    private static String wsUrl(int port, String room) {
        return "ws://127.0.0.1:" + port + "/realtime/" + room;
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse("(no " + name + ")");
    }
}
