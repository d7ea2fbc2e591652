package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start(
                dataDir,
                ServerProcess.freePort(),
                Map.of(
                        "REALTIME_RATE_LIMITING_CONNECTIONS_PER_IP", Integer.toString(PER_IP),
                        "REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND", Integer.toString(PER_SECOND)),
                "rate-limit");
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
        List<RawClient> open = new ArrayList<>();
        for (int i = 0; i < PER_IP; i++) {
            RawClient client = RawClient.connect(server.wsBase() + "/" + room);
            client.awaitFirstMessage();
            open.add(client);
        }
        RawClient refused = RawClient.connect(server.wsBase() + "/" + room);
        assertEquals(4429, refused.awaitCloseCode(), "connection " + (PER_IP + 1) + " from 127.0.0.1");
        for (RawClient client : open) {
            assertNull(client.closeCode(), "the first " + PER_IP + " connections stay open");
        }
        assertTrue(server.get("/metrics").body().contains("reason=\"rate_limited\""), "counted as rate_limited");

        open.remove(0).close();
        // The server counts the closed socket down when its stream ends: poll for a free slot.
        Poll.until(WAIT, Duration.ofMillis(300), () -> {
            RawClient again = RawClient.connect(server.wsBase() + "/" + room);
            Integer code = again.awaitFirstMessageOrClose();
            if (code == null) {
                open.add(again);
                return null;
            }
            return "still refused with " + code;
        });
        for (RawClient client : open) {
            client.close();
        }
    }

    @Test
    void aFloodIsSlowedToTheConfiguredRateAndNotDisconnected() throws Exception {
        RawClient flooder = RawClient.connect(server.wsBase() + "/flood-" + UUID.randomUUID());
        flooder.awaitFirstMessage();
        int burst = new RealtimeConfig.RateLimiting(
                        PER_SECOND, RealtimeConfig.RateLimiting.DEFAULTS.burstSeconds(), PER_IP, 1)
                .burstMessages();
        int total = burst + 6 * PER_SECOND; // the part after the burst needs >= 6 s at PER_SECOND
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            flooder.sendBinary(SYNC_STEP1);
        }
        int[] maxSeen = {0};
        Poll.until(WAIT, POLL, () -> {
            double elapsed = (System.nanoTime() - start) / 1e9;
            int answered = flooder.syncStep2Count();
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
}
