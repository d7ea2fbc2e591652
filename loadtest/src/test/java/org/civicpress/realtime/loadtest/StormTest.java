package org.civicpress.realtime.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The connection storm ({@code --storm-deadline}, issue 11): its options, a storm against a real Hocuspocus
 * 3.4.4 ({@link HocuspocusPeer}) where every client must count as open only with the upgrade done and the
 * server's first sync message in, and a storm against a closed port, whose failures are counted by kind.
 */
class StormTest {

    @Test
    void stormOptionsParseAndRejectLoadOptions() {
        LoadOptions plain = LoadOptions.parse(new String[] {"--url", "ws://x/{room}"});
        assertFalse(plain.storm());
        LoadOptions storm = LoadOptions.parse(new String[] {
            "--url", "ws://x/{room}", "--writers", "0", "--storm-deadline", "60", "--storm-warmup", "0"
        });
        assertTrue(storm.storm());
        assertEquals(60, storm.stormDeadlineSeconds());
        assertEquals(0, storm.stormWarmupClients());
        // a storm measures opening only: writers or flooders would mix load into it
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--url", "ws://x/{room}", "--storm-deadline", "60"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {
                    "--url", "ws://x/{room}", "--writers", "0", "--flooders", "1", "--storm-deadline", "60"
                }));
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(
                        new String[] {"--url", "ws://x/{room}", "--writers", "0", "--storm-deadline", "0"}));
    }

    @Test
    void everyClientOfAStormOnARealServerOpensAndIsTimed() throws Exception {
        try (HocuspocusPeer peer = HocuspocusPeer.start()) {
            StormReport r = storm(peer.url(), 10);
            assertEquals(200, r.clients());
            assertEquals(200, r.upgraded());
            assertEquals(200, r.opened(), r.humanBlock());
            assertTrue(r.allOpened());
            assertTrue(r.failures().isEmpty(), r.failures().toString());
            assertTrue(r.p50Ms() > 0 && r.p50Ms() <= r.p99Ms() && r.p99Ms() <= r.maxMs() * 1.02, r.humanBlock());
            assertTrue(r.maxMs() < 30_000, r.humanBlock());
            assertTrue(r.jsonLine().contains("\"opened\":200"), r.jsonLine());
            assertTrue(r.jsonLine().contains("\"allOpened\":true"), r.jsonLine());
        }
    }

    @Test
    void aStormOnAClosedPortCountsEveryFailureByKind() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StormReport r = storm("ws://127.0.0.1:" + port + "/", 2);
        assertEquals(0, r.opened());
        assertEquals(0, r.upgraded());
        assertFalse(r.allOpened());
        assertEquals(Map.of("connect failed: ConnectException: Connection refused", 40L), r.failures(), r.humanBlock());
        assertTrue(r.wallSeconds() < 10, "a refused storm ends when every client is gone, not at the deadline");
    }

    private static StormReport storm(String url, int rooms) throws Exception {
        return new LoadRun(LoadOptions.parse(new String[] {
                    "--url", url,
                    "--protocol", "hocuspocus",
                    "--rooms", String.valueOf(rooms),
                    "--clients", "20",
                    "--writers", "0",
                    "--storm-deadline", "30",
                    "--storm-warmup", "20"
                }))
                .storm();
    }
}
