package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

        NodeClient editor = editor("z", server, "shutdown-room", 50);
        editor.await("synced", SYNC);
        server.close(); // SIGTERM: graceful shutdown
        assertEquals(1012, editor.await("closed", SYNC).path("code").asInt(), "clients are told to reconnect");
    }

    @Test
    void aFailingStartStepEndsTheProcessWithItsReason() throws Exception {
        try (ServerProcess server = ServerProcess.launch(dataDir, ServerProcess.freePort(), Map.of(
                "REALTIME_DATABASE_TYPE", "postgres", "REALTIME_DB_URL", "jdbc:postgresql://127.0.0.1:1/none",
                "REALTIME_DB_USER", "nobody", "REALTIME_DB_PASSWORD", "do-not-log-me"), "h2-failing-start")) {
            assertEquals(1, server.awaitExit(ServerProcess.START_TIMEOUT));
            String log = server.logTail();
            assertTrue(log.contains("Realtime server did not start: database failed"), log);
            assertTrue(!log.contains("do-not-log-me"), "the password must not be logged");
        }
    }

    private int probe(ServerProcess server, String mode, int bytes) throws Exception {
        try (NodeClient probe = NodeClient.start("h2-probe-" + mode, "probe.mjs", List.of(
                "--url", server.wsBase() + "/probe-room", "--mode", mode, "--bytes", Integer.toString(bytes)))) {
            JsonNode closed = probe.await("closed", Duration.ofSeconds(30));
            return closed.path("code").asInt();
        }
    }
}
