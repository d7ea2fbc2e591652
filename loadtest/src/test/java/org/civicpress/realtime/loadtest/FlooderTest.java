package org.civicpress.realtime.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flooding client of security issue 10 ({@code --flooders}): its options, and a real run against a real
 * Yjs server, Hocuspocus 3.4.4 ({@link HocuspocusPeer}). It does not shape client messages, so an
 * unlimited flooder must get far more through than the writers.
 */
class FlooderTest {
    private static HocuspocusPeer peer;

    @Test
    void flooderOptionsParseAndRejectBadInput() {
        LoadOptions plain = LoadOptions.parse(new String[] {"--url", "ws://x/{room}"});
        assertEquals(LoadOptions.Flood.NONE.perRoom(), plain.flood().perRoom());
        LoadOptions o = LoadOptions.parse(new String[] {
            "--url",
            "ws://x/{room}",
            "--flooders",
            "2",
            "--flood-rate",
            "max",
            "--flood-bytes",
            "4096",
            "--flood-room",
            "separate",
            "--flood-awareness",
            "1"
        });
        assertEquals(new LoadOptions.Flood(2, 0, 4096, true, true), o.flood());
        assertTrue(o.flood().unlimited());
        LoadOptions limited =
                LoadOptions.parse(new String[] {"--url", "ws://x/{room}", "--flooders", "1", "--flood-rate", "250"});
        assertEquals(new LoadOptions.Flood(1, 250, 1024, false, false), limited.flood());
        assertFalse(limited.flood().unlimited());
        // flooders come on top of --clients: the total of normal clients is unchanged
        assertEquals(10, limited.totalClients());
        for (String[] bad : new String[][] {
            {"--flooders", "-1"},
            {"--flooders", "1.5"},
            {"--flood-rate", "fast"},
            {"--flood-rate", "0"},
            {"--flood-bytes", "-3"},
            {"--flood-room", "other"},
            {"--flood-awareness", "yes"}
        }) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> LoadOptions.parse(new String[] {"--url", "ws://x/{room}", bad[0], bad[1]}),
                    String.join(" ", bad));
        }
    }

    @Test
    void anUnlimitedFlooderSendsFarMoreThanTheWritersAndIsCountedApart() throws Exception {
        // in a room of its own: its flood cannot be mistaken for the measured room's traffic
        LoadReport r = run("--flooders", "1", "--flood-bytes", "100", "--flood-room", "separate");
        assertEquals(4, r.connected(), "3 normal clients and the flooder");
        assertEquals(4, r.synced());
        // the writer's 20/s over 2 s, and only those count as normal traffic
        assertTrue(r.updatesSent() >= 10 && r.updatesSent() <= 42, "normal updates " + r.updatesSent());
        assertTrue(r.deliveries() > 0 && r.deliveries() <= 2 * r.updatesSent(), "normal deliveries " + r.deliveries());
        LoadReport.Flood f = r.flood();
        assertEquals(1, f.flooders());
        assertTrue(
                f.sent() > 10 * r.updatesSent(), "flood of " + f.sent() + " vs " + r.updatesSent() + " normal updates");
        // none of its updates reach the measured room, and it sees none of the writer's
        assertEquals(0, f.deliveredToNormal());
        assertEquals(0, f.received());
        assertTrue(r.jsonLine().contains("\"floodSent\":" + f.sent()), r.jsonLine());
        assertTrue(r.humanBlock().contains("flooders    1/room (separate room)"), r.humanBlock());
    }

    @Test
    void aRateLimitedFlooderKeepsItsRateAndIsAFullClientOfTheRoom() throws Exception {
        LoadReport r = run("--flooders", "1", "--flood-rate", "25", "--flood-awareness", "1");
        LoadReport.Flood f = r.flood();
        // 25/s over a 2 s window, never more (the clock catches up at most one period)
        assertTrue(f.sent() >= 20 && f.sent() <= 52, "flooder sent " + f.sent());
        // one awareness update after each flooding update (the awareness count also holds a send or two racing
        // the window's end)
        assertTrue(
                f.awarenessSent() >= f.sent() && f.awarenessSent() <= f.sent() + 2,
                f.awarenessSent() + " awareness updates for " + f.sent() + " flooding updates");
        // in the measured room: its updates reach the normal clients (counted apart from theirs), and it
        // receives the writer's updates like any client
        assertTrue(f.deliveredToNormal() > 0, "the flood reached the normal clients");
        assertTrue(f.received() > 0, "the flooder receives the writer's updates");
        assertTrue(r.deliveries() > 0 && r.deliveries() <= 2 * r.updatesSent(), "normal deliveries " + r.deliveries());
    }

    private static LoadReport run(String... flood) throws Exception {
        String[] base = {
            "--url",
            peer.url(),
            "--protocol",
            "hocuspocus",
            "--clients",
            "3",
            "--writers",
            "1",
            "--rate",
            "20",
            "--warmup",
            "0.5",
            "--duration",
            "2",
            "--sync-timeout",
            "30"
        };
        String[] args = new String[base.length + flood.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(flood, 0, args, base.length, flood.length);
        return new LoadRun(LoadOptions.parse(args)).run();
    }

    @BeforeAll
    static void startPeer() throws Exception {
        peer = HocuspocusPeer.start();
    }

    @AfterAll
    static void stopPeer() throws Exception {
        if (peer != null) {
            peer.close();
        }
    }
}
