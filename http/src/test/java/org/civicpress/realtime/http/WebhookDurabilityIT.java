package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.WebhookSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks are delivered at least once, in fact: the real server jar sends hook events to a real local
 * HTTP receiver that is down. Clients connect, edit and leave (real y-websocket clients in node); a second
 * client connects and the server is killed with SIGKILL the moment that client is synced. Restarted on the
 * same data directory, with the receiver up, the server delivers every event emitted before the kill,
 * signed (HMAC-SHA256), with a stable event id and the connection's correlation id: nothing only queued
 * in memory, everything from the fsynced outbox.
 */
class WebhookDurabilityIT {
    private static final Logger log = LoggerFactory.getLogger(WebhookDurabilityIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "it-webhook-secret-" + UUID.randomUUID();
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(200);
    // Attempts made while the receiver was down push the next retry out (exponential backoff, 1 s doubling).
    private static final Duration REDELIVERY = Duration.ofSeconds(150);
    private static final Pattern PENDING = Pattern.compile("(?m)^realtime_webhook_outbox_pending (\\S+)$");

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> processes = new ArrayList<>();
    private HttpServer receiver;

    record Delivery(Map<String, String> headers, byte[] body, JsonNode json) {}

    @AfterEach
    void stopEverything() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            try {
                processes.get(i).close();
            } catch (Exception e) {
                log.warn("could not stop a child process: {}", e.toString());
            }
        }
        if (receiver != null) receiver.stop(0);
    }

    @Test
    void eventsEmittedBeforeKill9AreDeliveredSignedAfterTheRestart() throws Exception {
        int receiverPort = ServerProcess.freePort(); // nothing listens there yet: connection refused
        Files.writeString(
                dataDir.resolve("realtime.yml"),
                """
                webhooks:
                  - url: http://127.0.0.1:%d/hooks
                    secret: ${WEBHOOK_IT_SECRET}
                    max_attempts: 100
                    timeout: 2s
                """
                        .formatted(receiverPort));
        Map<String, String> env = Map.of("WEBHOOK_IT_SECRET", SECRET);
        int port = ServerProcess.freePort();
        ServerProcess server = start(port, env, "webhook-before");
        String room = "webhooks-" + UUID.randomUUID();

        NodeClient first = NodeClient.editor("webhook-a", "a", server.wsBase(), room, 100);
        processes.add(first);
        NodeClient.startTyping(List.of(first), SYNC);
        Poll.until(SYNC, POLL, () -> NodeClient.fewerConfirmedThan(List.of(first), 3));
        first.send("stop");
        first.await("stopped", SYNC);
        first.quit();
        // room created, a connected, a disconnected: recorded, and undeliverable while the receiver is down.
        Poll.until(SYNC, POLL, () -> {
            double pending = pending(server);
            return Poll.unless(pending >= 3, () -> "outbox pending " + pending);
        });

        NodeClient second = NodeClient.editor("webhook-b", "b", server.wsBase(), room, 100);
        processes.add(second);
        second.await("synced", SYNC);
        server.kill(); // the moment b saw the room answer: its connected event must already be on disk
        second.close();

        ServerProcess restarted = start(port, env, "webhook-after");
        List<Delivery> received = new CopyOnWriteArrayList<>();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", receiverPort), 0);
        receiver.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            received.add(new Delivery(headers, body, JSON.readTree(body)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        long upAt = System.nanoTime();

        Poll.until(REDELIVERY, POLL, () -> {
            Map<String, JsonNode> byId = distinct(received, room);
            long connected = byId.values().stream()
                    .filter(e -> is(e, HookEvents.CLIENT_CONNECTED))
                    .count();
            return Poll.unless(
                    byId.values().stream().anyMatch(e -> is(e, HookEvents.ROOM_CREATED))
                            && connected == 2
                            && byId.values().stream().anyMatch(e -> is(e, HookEvents.CLIENT_DISCONNECTED)),
                    () -> "received so far: " + byId.values());
        });
        log.info(
                "{} deliveries {} ms after the receiver came up",
                received.size(),
                (System.nanoTime() - upAt) / 1_000_000);
        Poll.until(SYNC, POLL, () -> {
            double pending = pending(restarted);
            return Poll.unless(pending == 0, () -> "outbox pending " + pending);
        });

        for (Delivery d : received) {
            assertTrue(
                    WebhookSigner.verify(SECRET, d.body(), d.headers().get("x-realtime-signature")),
                    "valid HMAC-SHA256 signature on " + d.json());
            assertFalse(WebhookSigner.verify("other", d.body(), d.headers().get("x-realtime-signature")));
            assertEquals(d.json().path("id").asText(), d.headers().get("x-realtime-event-id"));
            assertEquals(d.json().path("event").asText(), d.headers().get("x-realtime-event"));
            assertTrue(
                    Integer.parseInt(d.headers().get("x-realtime-delivery-attempt")) > 1,
                    "first attempts failed while the receiver was down: " + d.headers());
        }
        Map<String, JsonNode> events = distinct(received, room);
        List<JsonNode> clientEvents = events.values().stream()
                .filter(e -> is(e, HookEvents.CLIENT_CONNECTED) || is(e, HookEvents.CLIENT_DISCONNECTED))
                .toList();
        for (JsonNode e : clientEvents) {
            assertFalse(e.path("clientId").asText().isEmpty(), "clientId in " + e);
            String correlationId = e.path("correlationId").asText();
            assertFalse(correlationId.isEmpty(), "the connection's correlation id in " + e);
            assertNotEquals(e.path("id").asText(), correlationId, "event id and correlation id differ");
        }
        JsonNode left = clientEvents.stream()
                .filter(e -> is(e, HookEvents.CLIENT_DISCONNECTED))
                .findFirst()
                .orElseThrow();
        JsonNode joined = clientEvents.stream()
                .filter(e -> is(e, HookEvents.CLIENT_CONNECTED)
                        && e.path("clientId")
                                .asText()
                                .equals(left.path("clientId").asText()))
                .findFirst()
                .orElseThrow();
        assertEquals(
                joined.path("correlationId").asText(),
                left.path("correlationId").asText(),
                "one connection: one correlation id on its connected and disconnected events");
        assertNotNull(events.values().stream()
                .filter(e -> is(e, HookEvents.ROOM_CREATED))
                .findFirst()
                .orElseThrow()
                .path("node")
                .asText(null));
    }

    private ServerProcess start(int port, Map<String, String> env, String logName) throws Exception {
        ServerProcess server = ServerProcess.start(dataDir, port, env, logName);
        processes.add(server);
        return server;
    }

    private static double pending(ServerProcess server) throws Exception {
        Matcher m = PENDING.matcher(server.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static boolean is(JsonNode event, String name) {
        return name.equals(event.path("event").asText());
    }

    /** The deliveries of {@code room} by event id: at least once means receivers deduplicate. */
    private static Map<String, JsonNode> distinct(List<Delivery> received, String room) {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (Delivery d : received) {
            if (room.equals(d.json().path("roomId").asText()))
                byId.putIfAbsent(d.json().path("id").asText(), d.json());
        }
        return byId;
    }
}
