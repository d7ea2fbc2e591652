package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicpress.realtime.config.RealtimeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rate_limiting.* against the real server with real WebSocket clients (JDK java.net.http): the
 * connection over connections_per_ip is closed with 4429; a message flood is slowed to
 * messages_per_second after its burst, and its connection stays open.
 */
class RateLimitIT {
    private static final Logger log = LoggerFactory.getLogger(RateLimitIT.class);
    private static final int PER_IP = 5;
    private static final int PER_SECOND = 50;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    /** y-protocols SyncStep1 with an empty state vector: the room answers each with a SyncStep2. */
    private static final byte[] SYNC_STEP1 = {0, 0, 1, 0};

    @TempDir
    static Path dataDir;
    private static ServerProcess server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start(dataDir, ServerProcess.freePort(), Map.of(
                "REALTIME_RATE_LIMITING_CONNECTIONS_PER_IP", Integer.toString(PER_IP),
                "REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND", Integer.toString(PER_SECOND)), "rate-limit");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theConnectionOverThePerIpLimitIsClosedWith4429AndAClosedOneMakesRoom() throws Exception {
        String room = "limit-" + UUID.randomUUID();
        List<Client> open = new ArrayList<>();
        for (int i = 0; i < PER_IP; i++) {
            Client client = Client.connect(server.wsBase() + "/" + room);
            client.awaitFirstMessage();
            open.add(client);
        }
        Client refused = Client.connect(server.wsBase() + "/" + room);
        assertEquals(4429, refused.awaitClose(), "connection " + (PER_IP + 1) + " from 127.0.0.1");
        for (Client client : open) {
            assertNull(client.closeCode(), "the first " + PER_IP + " connections stay open");
        }
        assertTrue(server.get("/metrics").body().contains("reason=\"rate_limited\""), "counted as rate_limited");

        open.remove(0).close();
        // The server counts the closed socket down when its stream ends: poll for a free slot.
        Poll.until(WAIT, Duration.ofMillis(300), () -> {
            Client again = Client.connect(server.wsBase() + "/" + room);
            Integer code = again.awaitFirstMessageOrClose();
            if (code == null) {
                open.add(again);
                return null;
            }
            return "still refused with " + code;
        });
        for (Client client : open) {
            client.close();
        }
    }

    @Test
    void aFloodIsSlowedToTheConfiguredRateAndNotDisconnected() throws Exception {
        Client flooder = Client.connect(server.wsBase() + "/flood-" + UUID.randomUUID());
        flooder.awaitFirstMessage();
        int burst = new RealtimeConfig.RateLimiting(PER_SECOND, RealtimeConfig.RateLimiting.DEFAULTS.burstSeconds(), PER_IP, 1)
                .burstMessages();
        int total = burst + 6 * PER_SECOND; // the part after the burst needs >= 6 s at PER_SECOND
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            flooder.webSocket.sendBinary(ByteBuffer.wrap(SYNC_STEP1), true).get(30, TimeUnit.SECONDS);
        }
        int[] maxSeen = {0};
        Poll.until(WAIT, POLL, () -> {
            double elapsed = (System.nanoTime() - start) / 1e9;
            int answered = flooder.syncStep2Count.get();
            // The bucket starts full (burst) and refills at PER_SECOND; one extra second of slack.
            long allowed = burst + Math.round(PER_SECOND * (elapsed + 1));
            assertTrue(answered <= allowed, answered + " answers after " + elapsed + " s, at most " + allowed);
            assertNull(flooder.closeCode(), "a flood is shaped, never disconnected");
            maxSeen[0] = answered;
            return Poll.unless(answered >= total, () -> answered + " of " + total + " answered");
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        log.info("flood of {} messages answered in {} s (burst {}, {}/s)", total, seconds, burst, PER_SECOND);
        assertTrue(seconds >= 5, "the part over the burst took " + seconds + " s, expected about 6");
        assertNull(flooder.closeCode());
        flooder.close();
    }

    /** A raw WebSocket client recording the y-protocol messages it gets and its close code. */
    private static final class Client implements WebSocket.Listener {
        final AtomicInteger messages = new AtomicInteger();
        final AtomicInteger syncStep2Count = new AtomicInteger();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<Void> firstMessage = new CompletableFuture<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        WebSocket webSocket;

        static Client connect(String url) throws Exception {
            Client client = new Client();
            client.webSocket = HTTP.newWebSocketBuilder().buildAsync(URI.create(url), client)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return client;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] message = partial.toByteArray();
                partial.reset();
                messages.incrementAndGet();
                if (message.length >= 2 && message[0] == 0 && message[1] == 1) {
                    syncStep2Count.incrementAndGet();
                }
                firstMessage.complete(null);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }

        void awaitFirstMessage() throws Exception {
            assertNull(awaitFirstMessageOrClose(), "closed before the first message");
        }

        /** Null once a message arrived, or the close code if the socket closed first. */
        Integer awaitFirstMessageOrClose() throws Exception {
            CompletableFuture.anyOf(firstMessage, closed).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return firstMessage.isDone() ? null : closed.getNow(null);
        }

        int awaitClose() throws Exception {
            return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        Integer closeCode() {
            return closed.getNow(null);
        }

        void close() {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(10, TimeUnit.SECONDS);
        }
    }
}
