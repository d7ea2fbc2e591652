package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hocuspocus endpoint with real {@code @hocuspocus/provider} 3.4.4 clients (js/clients/hocuspocus.mjs) and
 * real y-websocket clients on the same rooms, against the packaged server (embedded H2), kill -9 included.
 */
class HocuspocusIT {
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final String SECRET = "hocuspocus-it-secret-0123456789abcdef";

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> processes = new ArrayList<>();

    @AfterEach
    void killEverything() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) processes.get(i).close();
        processes.clear();
    }

    private ServerProcess server(int port, Map<String, String> env, String logName) throws Exception {
        ServerProcess server = ServerProcess.start(dataDir, port, env, "hocuspocus-" + logName);
        processes.add(server);
        return server;
    }

    private NodeClient hocuspocus(ServerProcess server, String name, String docs, String token) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--url",
                "ws://127.0.0.1:" + server.port() + "/hocuspocus",
                "--docs",
                docs,
                "--name",
                name,
                "--timeout",
                "240000"));
        if (token != null) args.addAll(List.of("--token", token));
        NodeClient client = NodeClient.start("hocuspocus-" + name + "-" + UUID.randomUUID(), "hocuspocus.mjs", args);
        processes.add(client);
        return client;
    }

    private static JsonNode doc(NodeClient client, String doc) throws Exception {
        return client.report().path("docs").path(doc);
    }

    private static void awaitText(NodeClient client, String doc, String expected) throws Exception {
        Poll.until(SYNC, POLL, () -> {
            String text = doc(client, doc).path("text").asText();
            return Poll.unless(
                    text.equals(expected), () -> "text of " + doc + " is '" + text + "', not '" + expected + "'");
        });
    }

    private static String token(String subject, String roomsJson) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("rooms", new com.fasterxml.jackson.databind.ObjectMapper().readValue(roomsJson, Map.class))
                .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void providersConvergeOverOneSocketPerClientWithThreeDocumentsAndStatelessRoundTrips() throws Exception {
        ServerProcess server = server(ServerProcess.freePort(), Map.of(), "anonymous");
        NodeClient a = hocuspocus(server, "a", "doc-1,doc-2,doc-3", null);
        NodeClient b = hocuspocus(server, "b", "doc-1,doc-2,doc-3", null);
        for (NodeClient client : List.of(a, b)) {
            for (String d : List.of("doc-1", "doc-2", "doc-3")) {
                assertEquals(
                        "read-write",
                        client.await("authenticated", SYNC).path("scope").asText(),
                        "anonymous access on: a document without a token is read-write");
            }
        }
        for (String d : List.of("doc-1", "doc-2", "doc-3")) a.send("insert " + d + " A-" + d);
        for (String d : List.of("doc-1", "doc-2", "doc-3")) awaitText(b, d, "A-" + d);
        b.send("insert doc-2 +B");
        awaitText(a, "doc-2", "A-doc-2+B");
        awaitText(a, "doc-1", "A-doc-1");
        Poll.until(SYNC, POLL, () -> {
            JsonNode report = a.report().path("docs");
            for (String d : List.of("doc-1", "doc-2", "doc-3")) {
                if (report.path(d).path("unsynced").asInt() != 0) return d + " has unsynced changes: " + report;
                if (!report.path(d).path("users").toString().equals("[\"b\"]")) return d + " awareness: " + report;
            }
            return null;
        });

        // Stateless: to the other providers of the document (and to hook listeners), never to another document.
        a.send("stateless doc-3 {\"ping\":1}");
        JsonNode stateless = b.await("stateless", SYNC);
        assertEquals("doc-3", stateless.path("doc").asText());
        assertEquals("{\"ping\":1}", stateless.path("payload").asText());
    }

    @Test
    void aHocuspocusProviderAndAYWebsocketProviderOnTheSameRoomConvergeAwarenessIncluded() throws Exception {
        ServerProcess server = server(ServerProcess.freePort(), Map.of(), "interop");
        NodeClient hp = hocuspocus(server, "hp", "shared-1", null);
        hp.await("synced", SYNC);
        NodeClient y = NodeClient.editor("hocuspocus-interop-y", "y", server.wsBase(), "shared-1", 30);
        processes.add(y);
        y.await("synced", SYNC);
        y.send("start");
        hp.send("insert shared-1 [hp:0]");
        Poll.until(SYNC, POLL, () -> {
            JsonNode yReport = y.report();
            JsonNode hpDoc = doc(hp, "shared-1");
            String yText = yReport.path("text").asText();
            if (!yText.contains("[hp:0]")) return "y-websocket has not got the Hocuspocus edit: " + yText;
            if (!hpDoc.path("text").asText().contains("[y:3]")) return "Hocuspocus has not got y's edits";
            if (!yReport.path("users").toString().equals("[\"hp\"]")) return "y sees users " + yReport.path("users");
            if (!hpDoc.path("users").toString().equals("[\"y\"]")) return "hp sees users " + hpDoc.path("users");
            return null;
        });
        y.send("stop");
        y.await("stopped", SYNC);
        Poll.until(SYNC, POLL, () -> {
            String yText = y.report().path("text").asText();
            String hpText = doc(hp, "shared-1").path("text").asText();
            return Poll.unless(yText.equals(hpText), () -> "texts differ:\n y: " + yText + "\nhp: " + hpText);
        });
    }

    @Test
    void syncStatusComesOnlyOnceTheUpdateIsDurable() throws Exception {
        int port = ServerProcess.freePort();
        ServerProcess server = server(port, Map.of(), "durable");
        NodeClient hp = hocuspocus(server, "writer", "durable-1", null);
        hp.await("synced", SYNC);
        String marker = "durable-" + UUID.randomUUID();
        hp.send("insert durable-1 " + marker);
        assertTrue(hp.await("inserted", SYNC).path("unsynced").asInt() > 0);
        hp.await("saved", SYNC);
        server.kill(); // SIGKILL right after SyncStatus(true)
        hp.close();
        ServerProcess restarted = server(port, Map.of(), "durable-restarted");
        NodeClient reader = hocuspocus(restarted, "reader", "durable-1", null);
        reader.await("synced", SYNC);
        awaitText(reader, "durable-1", marker);
    }

    @Test
    void aReadonlyScopedProviderCannotEditAndBadTokensAreDenied() throws Exception {
        int port = ServerProcess.freePort();
        Map<String, String> env =
                Map.of("REALTIME_AUTH_ALLOW_ANONYMOUS", "false", "REALTIME_AUTH_JWT_HS256_SECRET", SECRET);
        ServerProcess server = server(port, env, "readonly");
        String readerToken = token("reader", "{\"doc-*\":\"write\",\"ro-1\":\"read\"}");
        String writerToken = token("writer", "{\"ro-1\":\"write\"}");
        NodeClient writer = hocuspocus(server, "writer", "ro-1", writerToken);
        assertEquals(
                "read-write", writer.await("authenticated", SYNC).path("scope").asText());
        writer.await("synced", SYNC);
        writer.send("insert ro-1 W");
        writer.await("inserted", SYNC);
        writer.await("saved", SYNC);

        NodeClient reader = hocuspocus(server, "reader", "ro-1,doc-9", readerToken);
        JsonNode first = reader.await("authenticated", SYNC);
        JsonNode second = reader.await("authenticated", SYNC);
        Map<String, String> scopes = Map.of(
                first.path("doc").asText(),
                first.path("scope").asText(),
                second.path("doc").asText(),
                second.path("scope").asText());
        assertEquals(Map.of("ro-1", "readonly", "doc-9", "read-write"), scopes);
        awaitText(reader, "ro-1", "W");
        reader.send("insert ro-1 R");
        reader.send("insert doc-9 ok");
        reader.await("inserted", SYNC);
        reader.await("inserted", SYNC);
        while (!reader.await("saved", SYNC).path("doc").asText().equals("doc-9")) {
            // only doc-9's edit is ever acknowledged
        }
        Thread.sleep(1000);
        assertEquals("W", doc(writer, "ro-1").path("text").asText(), "the readonly edit reached nobody");
        assertTrue(doc(reader, "ro-1").path("unsynced").asInt() > 0, "and was never acknowledged");

        NodeClient nobody = hocuspocus(server, "nobody", "ro-1", null);
        assertTrue(nobody.await("authenticationFailed", SYNC)
                .path("reason")
                .asText()
                .contains("token"));
        NodeClient forged = hocuspocus(server, "forged", "ro-1", token("x", "{\"ro-1\":\"write\"}") + "x");
        assertFalse(forged.await("authenticationFailed", SYNC)
                .path("reason")
                .asText()
                .isEmpty());
        NodeClient other = hocuspocus(server, "other", "secret-1", readerToken);
        assertTrue(other.await("authenticationFailed", SYNC)
                .path("reason")
                .asText()
                .contains("secret-1"));

        // Not in the journal either: after kill -9 the room recovers from it without the readonly edit.
        server.kill();
        ServerProcess restarted = server(port, env, "readonly-restarted");
        NodeClient fresh = hocuspocus(restarted, "fresh", "ro-1", writerToken);
        fresh.await("synced", SYNC);
        Thread.sleep(500);
        assertEquals("W", doc(fresh, "ro-1").path("text").asText());
    }
}
