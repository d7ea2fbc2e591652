package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and authorization of the real server jar (issue 10) with real clients: y-websocket providers
 * in node ({@code params: { token }}) and JDK WebSockets ({@code Authorization: Bearer}). One server with
 * anonymous access off and every verifier on: an HS256 secret, a JWK set served by this test (rotated during
 * the test) and CivicPress introspection answered by this test's HTTP server.
 */
class AuthIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final String SECRET = "it-secret-0123456789-0123456789-0123456789";
    private static final String AUDIENCE = "realtime";
    private static final int PER_USER = 2;
    private static final int MAX_PENDING = 4;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dataDir;

    private static ServerProcess server;
    /** The log of the running server (the read-only test restarts it under another name). */
    private static String serverLogName = "auth";

    private static int port;
    private static HttpServer identity;
    /** The JWK set the test's key server publishes (replaced to rotate keys). */
    private static volatile JWKSet published;

    private static RSAKey key1;
    private static RSAKey key2;

    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        key1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        key2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        published = new JWKSet(key1.toPublicJWK());
        identity = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        identity.setExecutor(Executors.newCachedThreadPool()); // a slow answer must not hold up the others
        identity.createContext("/jwks.json", exchange -> answer(exchange, 200, published.toString(true)));
        identity.createContext("/introspect", AuthIT::introspect);
        identity.start();
        String base = "http://127.0.0.1:" + identity.getAddress().getPort();
        port = ServerProcess.freePort();
        server = ServerProcess.start(dataDir, port, serverEnv(base), serverLogName);
    }

    private static Map<String, String> serverEnv(String identityBase) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REALTIME_HOST", "0.0.0.0"); // reachable on a non-loopback address for the /metrics check
        env.put("REALTIME_AUTH_ALLOW_ANONYMOUS", "false");
        env.put("REALTIME_AUTH_JWT_HS256_SECRET", SECRET);
        env.put("REALTIME_AUTH_JWT_JWKS_URL", identityBase + "/jwks.json");
        env.put("REALTIME_AUTH_JWT_AUDIENCE", AUDIENCE);
        env.put("REALTIME_AUTH_JWT_CLOCK_SKEW", "0s");
        env.put("REALTIME_AUTH_JWT_JWKS_CACHE_TTL", "1s");
        env.put("REALTIME_AUTH_JWT_JWKS_MIN_REFRESH_INTERVAL", "0s");
        env.put("REALTIME_AUTH_INTROSPECTION_URL", identityBase + "/introspect");
        env.put("REALTIME_AUTH_INTROSPECTION_TIMEOUT", "2s");
        env.put("REALTIME_AUTH_TOKEN_CACHE_TTL", "0s");
        env.put("REALTIME_AUTH_MAX_PENDING_MESSAGES", Integer.toString(MAX_PENDING));
        env.put("REALTIME_RATE_LIMITING_CONNECTIONS_PER_USER", Integer.toString(PER_USER));
        return env;
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (identity != null) identity.stop(0);
    }

    @AfterEach
    void closeClients() {
        for (int i = clients.size() - 1; i >= 0; i--) {
            try {
                clients.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        clients.clear();
    }

    /** The CivicPress introspection endpoint: opaque tokens "opaque-*". */
    private static void introspect(HttpExchange exchange) throws IOException {
        String auth = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
                .orElse("");
        String token = auth.startsWith("Bearer ") ? auth.substring(7) : "";
        switch (token) {
            case "opaque-alice" -> answer(
                    exchange, 200, "{\"active\":true,\"sub\":\"alice-intro\",\"rooms\":{\"intro-*\":\"write\"}}");
            case "opaque-slow" -> {
                try {
                    Thread.sleep(4000); // longer than auth.introspection.timeout (2 s)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(exchange, 200, "{\"active\":true,\"sub\":\"slow\",\"rooms\":{\"*\":\"write\"}}");
            }
            default -> answer(exchange, 200, "{\"active\":false}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    // ---------------------------------------------------------------------------------------------- tokens

    private static String hs256(
            String sub, Map<String, String> rooms, Duration ttl, String audience, List<String> roles, String secret)
            throws Exception {
        return sign(
                claims(sub, rooms, ttl, audience, roles),
                new JWSHeader(JWSAlgorithm.HS256),
                new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private static String hs256(String sub, Map<String, String> rooms) throws Exception {
        return hs256(sub, rooms, Duration.ofHours(1), AUDIENCE, List.of(), SECRET);
    }

    private static String rs256(RSAKey key, String sub, Map<String, String> rooms) throws Exception {
        return sign(
                claims(sub, rooms, Duration.ofHours(1), AUDIENCE, List.of()),
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new RSASSASigner(key));
    }

    private static JWTClaimsSet claims(
            String sub, Map<String, String> rooms, Duration ttl, String audience, List<String> roles) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(sub)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("rooms", rooms);
        if (audience != null) claims.audience(audience);
        if (!roles.isEmpty()) claims.claim("roles", roles);
        return claims.build();
    }

    private static String sign(JWTClaimsSet claims, JWSHeader header, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    // --------------------------------------------------------------------------------------------- clients

    private NodeClient editor(String name, String room, String token) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--url", server.wsBase(), "--room", room, "--name", name, "--interval", "40", "--timeout", "240000"));
        if (token != null) {
            args.add("--token");
            args.add(token);
        }
        NodeClient client = NodeClient.start("auth-" + room + "-" + name, "editor.mjs", args);
        clients.add(client);
        return client;
    }

    private String serverText(String room, String token) throws Exception {
        try (NodeClient reader = NodeClient.start(
                "auth-" + room + "-reader-" + UUID.randomUUID(),
                "reader.mjs",
                List.of("--url", server.wsBase(), "--room", room, "--timeout", "60000", "--token", token))) {
            return reader.await("state", WAIT).path("text").asText();
        }
    }

    // ----------------------------------------------------------------------------------------------- tests

    @Test
    void missingForgedExpiredGarbageWrongAudienceAndRevokedTokensGet4401AndAnotherRoomGets4403() throws Exception {
        String room = "doc-" + UUID.randomUUID();
        Map<String, String> grant = Map.of("doc-*", "write");
        String forged = hs256(
                "mallory",
                grant,
                Duration.ofHours(1),
                AUDIENCE,
                List.of(),
                "another-secret-0123456789-0123456789-012345");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("missing", null);
        refused.put("forged", forged);
        refused.put("expired", hs256("alice", grant, Duration.ofMinutes(-5), AUDIENCE, List.of(), SECRET));
        refused.put("garbage", "garbage.not.ajwt");
        refused.put("wrongaudience", hs256("alice", grant, Duration.ofHours(1), "someone-else", List.of(), SECRET));
        refused.put("revoked", "opaque-revoked");
        Map<String, NodeClient> editors = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : refused.entrySet()) {
            editors.put(e.getKey(), editor(e.getKey(), room, e.getValue()));
        }
        NodeClient otherRoom = editor("otherroom", "minutes-1", hs256("alice", grant));
        for (Map.Entry<String, NodeClient> e : editors.entrySet()) {
            JsonNode denied = e.getValue().await("denied", WAIT);
            assertFalse(denied.path("reason").asText().isBlank(), e.getKey() + ": " + denied);
            JsonNode closed = e.getValue().await("closed", WAIT);
            assertEquals(4401, closed.path("code").asInt(), e.getKey() + ": " + closed);
            assertTrue(closed.path("reason").asText().startsWith("AUTHENTICATION_FAILED"), e.getKey() + ": " + closed);
        }
        assertEquals(
                "a token is required",
                editors.get("missing").report().path("denied").get(0).asText());
        assertTrue(
                editors.get("expired").report().path("denied").get(0).asText().contains("expired"));
        JsonNode denied = otherRoom.await("denied", WAIT);
        assertEquals("no access to minutes-1", denied.path("reason").asText());
        assertEquals(4403, otherRoom.await("closed", WAIT).path("code").asInt());
        String log = Files.readString(serverLog());
        assertTrue(log.contains("refused: 4401 BAD_SIGNATURE"), "the refusal is logged with its failure");
        assertFalse(log.contains(forged), "tokens are never logged");
    }

    @Test
    void aReadOnlyClientReadsEverythingWhileItsEditsReachNeitherOthersNorTheJournalAlsoAfterARestart()
            throws Exception {
        String room = "doc-ro-" + UUID.randomUUID();
        String writerToken = hs256("wanda", Map.of("doc-*", "write"));
        // The most specific pattern wins: this room is read-only for rita, every other doc-* writable.
        String readerToken = hs256("rita", Map.of("doc-*", "write", room, "read"));
        NodeClient writer = editor("writer", room, writerToken);
        NodeClient reader = editor("reader", room, readerToken);
        NodeClient.startTyping(List.of(writer, reader), WAIT);
        Poll.until(WAIT, POLL, () -> NodeClient.fewerConfirmedThan(List.of(writer), 10));
        writer.send("stop");
        reader.send("stop");
        writer.await("stopped", WAIT);
        reader.await("stopped", WAIT);

        List<String> written = NodeClient.strings(writer.report().path("typed"));
        Poll.until(WAIT, POLL, () -> {
            String text = reader.report().path("text").asText();
            return written.stream().allMatch(text::contains) ? null : "the reader lacks some of " + written;
        });
        JsonNode readerReport = reader.report();
        List<String> readOnlyEdits = NodeClient.strings(readerReport.path("typed"));
        assertFalse(readOnlyEdits.isEmpty(), "the read-only client typed locally");
        assertEquals(0, readerReport.path("confirmed").size(), "none of its edits was confirmed");
        assertTrue(readerReport.path("connected").asBoolean(), "the read-only connection stays open");
        assertEquals(0, readerReport.path("closes").size(), "never closed: " + readerReport);
        String writerText = writer.report().path("text").asText();
        for (String edit : readOnlyEdits) assertFalse(writerText.contains(edit), edit + " reached the writer");
        String journaled = serverText(room, writerToken);
        for (String edit : readOnlyEdits) assertFalse(journaled.contains(edit), edit + " reached the room");
        assertTrue(written.stream().allMatch(journaled::contains), "the writer's edits reached the room");
        String metrics = server.get("/metrics").body(); // loopback: no token needed
        assertTrue(metrics.contains("realtime_messages_rejected_total{reason=\"read_only\"}"), metrics);

        // Restart: both clients reconnect; the reader sends its local edits again (SyncStep2), refused again.
        server.close();
        serverLogName = "auth-restarted";
        server = ServerProcess.start(
                dataDir,
                port,
                serverEnv("http://127.0.0.1:" + identity.getAddress().getPort()),
                serverLogName);
        Poll.until(
                WAIT,
                POLL,
                () -> Poll.unless(
                        reader.report().path("synced").asBoolean()
                                && reader.report().path("connected").asBoolean(),
                        () -> "the reader has not resynced"));
        writer.send("start");
        Poll.until(WAIT, POLL, () -> NodeClient.fewerConfirmedThan(List.of(writer), written.size() + 5));
        writer.send("stop");
        writer.await("stopped", WAIT);
        List<String> writtenAfter = NodeClient.strings(writer.report().path("typed"));
        Poll.until(WAIT, POLL, () -> {
            String text = reader.report().path("text").asText();
            return writtenAfter.stream().allMatch(text::contains) ? null : "the reader lacks later edits";
        });
        String afterRestart = serverText(room, readerToken);
        for (String edit : readOnlyEdits) assertFalse(afterRestart.contains(edit), edit + " is in the journal");
        assertTrue(writtenAfter.stream().allMatch(afterRestart::contains), "the writer's edits are all there");
        assertTrue(
                server.get("/metrics").body().contains("realtime_messages_rejected_total{reason=\"read_only\"}"),
                "the resent edits were refused again");
    }

    @Test
    void theConnectionOverConnectionsPerUserIsClosedWith4429() throws Exception {
        String room = "doc-limit-" + UUID.randomUUID();
        String carol = hs256("carol", Map.of("doc-*", "write"));
        List<NodeClient> open = new ArrayList<>();
        for (int i = 0; i < PER_USER; i++) {
            NodeClient client = editor("carol" + i, room, carol);
            client.await("synced", WAIT);
            open.add(client);
        }
        NodeClient third = editor("carol-extra", room, carol);
        JsonNode closed = third.await("closed", WAIT);
        assertEquals(4429, closed.path("code").asInt(), closed.toString());
        assertEquals("too many connections for this user", closed.path("reason").asText());
        for (NodeClient client : open) {
            assertEquals(0, client.report().path("closes").size(), "the first " + PER_USER + " stay open");
        }
        editor("dave", room, hs256("dave", Map.of("doc-*", "write"))).await("synced", WAIT);
    }

    @Test
    void aTokenThatExpiresDuringTheSessionClosesItWith4401() throws Exception {
        String room = "doc-exp-" + UUID.randomUUID();
        String shortLived = hs256("eve", Map.of("doc-*", "write"), Duration.ofSeconds(6), AUDIENCE, List.of(), SECRET);
        NodeClient client = editor("eve", room, shortLived);
        client.await("synced", WAIT);
        JsonNode denied = client.await("denied", Duration.ofSeconds(30));
        assertEquals(
                "the token expired during the session", denied.path("reason").asText());
        assertEquals(4401, client.await("closed", WAIT).path("code").asInt());
    }

    @Test
    void jwksRotationANewKeyWorksOnceItIsPublishedAndARemovedKeyIsRefused() throws Exception {
        String room = "doc-jwks-" + UUID.randomUUID();
        Map<String, String> grant = Map.of("doc-*", "write");
        assertEquals(Outcome.SYNC, Raw.outcome(server, room, rs256(key1, "rsa-user", grant), null));
        assertEquals(
                4401,
                Raw.outcome(server, room, rs256(key2, "rsa-user", grant), null).closeCode,
                "k2 is not published yet");

        published = new JWKSet(List.of(key1.toPublicJWK(), key2.toPublicJWK()));
        assertEquals(
                Outcome.SYNC,
                Raw.outcome(server, room, rs256(key2, "rsa-user", grant), null),
                "the unknown kid reloads the set");

        published = new JWKSet(key2.toPublicJWK());
        String oldKeyToken = rs256(key1, "rsa-user", grant);
        Poll.until(WAIT, Duration.ofMillis(500), () -> {
            Outcome outcome = Raw.outcome(server, room, oldKeyToken, null);
            return outcome.closeCode == 4401 ? null : "k1 still accepted: " + outcome;
        });
        assertEquals(Outcome.SYNC, Raw.outcome(server, room, rs256(key2, "rsa-user", grant), null));
    }

    @Test
    void introspectionAcceptsBearerHeadersRefusesTimeoutsAndBoundsWhatWaitsForIt() throws Exception {
        assertEquals(Outcome.SYNC, Raw.outcome(server, "intro-1", null, "opaque-alice"), "Authorization: Bearer");
        assertEquals(4403, Raw.outcome(server, "doc-1", null, "opaque-alice").closeCode, "not in its rooms");
        Outcome timedOut = Raw.outcome(server, "intro-2", "opaque-slow", null);
        assertEquals(4401, timedOut.closeCode, "an introspection timeout refuses: " + timedOut);

        // While the slow lookup runs, the client floods: more than max_pending_messages -> 4429 at once.
        try (Raw raw = Raw.open(server, "intro-3", "opaque-slow", null)) {
            for (int i = 0; i <= MAX_PENDING; i++)
                raw.socket
                        .sendBinary(ByteBuffer.wrap(new byte[] {0, 0, 1, 0}), true)
                        .join();
            assertEquals(4429, raw.awaitClose(Duration.ofSeconds(10)), "closed before the lookup answered");
        }
    }

    @Test
    void metricsNeedAnAdminTokenFromANonLoopbackAddress() throws Exception {
        assertEquals(200, server.get("/metrics").statusCode(), "loopback clients need no token");
        Optional<String> address = nonLoopbackAddress();
        org.junit.jupiter.api.Assumptions.assumeTrue(address.isPresent(), "no non-loopback IPv4 address here");
        String base = "http://" + address.get() + ":" + port + "/metrics";
        HttpResponse<String> anonymous = get(base, null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.body().contains("\"code\":\"AUTHENTICATION_FAILED\""), anonymous.body());
        assertEquals(
                "Bearer", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
        HttpResponse<String> user = get(base, hs256("alice", Map.of("doc-*", "write")));
        assertEquals(403, user.statusCode());
        assertTrue(user.body().contains("\"code\":\"PERMISSION_DENIED\""), user.body());
        String admin = hs256("ops", Map.of(), Duration.ofHours(1), AUDIENCE, List.of("realtime:admin"), SECRET);
        HttpResponse<String> allowed = get(base, admin);
        assertEquals(200, allowed.statusCode());
        assertTrue(allowed.body().contains("realtime_connections_active"), allowed.body());
        assertEquals(200, get(base + "?token=" + admin, null).statusCode(), "?token= works too");
    }

    private static HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (bearer != null) request.header("Authorization", "Bearer " + bearer);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<String> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) continue;
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address.getHostAddress());
                }
            }
        }
        return Optional.empty();
    }

    private static Path serverLog() throws IOException {
        return ItPaths.logDir().resolve(serverLogName + ".log");
    }

    /** What a raw client saw: the room's first sync message, or a close code. */
    record Outcome(int closeCode, String deniedReason) {
        static final Outcome SYNC = new Outcome(0, null);
    }

    /** A JDK WebSocket client: the token as ?token= or as Authorization: Bearer. */
    static final class Raw implements WebSocket.Listener, AutoCloseable {
        private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private String denied;
        WebSocket socket;

        static Raw open(ServerProcess server, String room, String queryToken, String bearer) {
            Raw raw = new Raw();
            String url = server.wsBase() + "/" + room + (queryToken == null ? "" : "?token=" + queryToken);
            WebSocket.Builder builder = HTTP.newWebSocketBuilder();
            if (bearer != null) builder.header("Authorization", "Bearer " + bearer);
            raw.socket = builder.buildAsync(URI.create(url), raw).join();
            return raw;
        }

        static Outcome outcome(ServerProcess server, String room, String queryToken, String bearer) throws Exception {
            try (Raw raw = open(server, room, queryToken, bearer)) {
                return raw.outcome.get(30, TimeUnit.SECONDS);
            }
        }

        int awaitClose(Duration timeout) throws Exception {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] message = partial.toByteArray();
                partial.reset();
                if (message.length > 0 && message[0] == 0) {
                    outcome.complete(Outcome.SYNC);
                } else if (message.length > 2 && message[0] == 2 && message[1] == 0) {
                    denied = new String(message, 3, message.length - 3, StandardCharsets.UTF_8);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            outcome.complete(new Outcome(statusCode, denied));
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            outcome.completeExceptionally(error);
            closed.completeExceptionally(error);
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
