package org.civicpress.realtime.loadtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;

/** The load tool's pure parts: histogram, update markers, wire encoding. No server needed. */
class LoadToolSmokeTest {

    @Test
    void histogramPercentilesAreWithinOneBucketOfTheTruth() {
        LogLinearHistogram h = new LogLinearHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertEquals(100_000, h.count());
        assertEquals(100_000, h.max());
        assertWithin(50_000, h.percentile(50));
        assertWithin(99_000, h.percentile(99));
        assertEquals(100_000, h.percentile(100));
        assertEquals(1, h.percentile(0));
        assertEquals(0, new LogLinearHistogram().percentile(99));
        assertThrows(IllegalArgumentException.class, () -> h.percentile(101));
    }

    @Test
    void histogramBucketsCoverEveryValueAndContainIt() {
        for (long v : new long[] {0, 1, 127, 128, 129, 255, 256, 1_000_003, Long.MAX_VALUE / 3, Long.MAX_VALUE}) {
            int i = LogLinearHistogram.indexOf(v);
            assertTrue(LogLinearHistogram.highestValueOf(i) >= v, "bucket of " + v);
            assertTrue(i == 0 || LogLinearHistogram.highestValueOf(i - 1) < v, "previous bucket of " + v);
        }
    }

    @Test
    void markersOfARealYjsInsertAreFoundInTheUpdateBytes() {
        Doc doc = new Doc();
        List<byte[]> updates = new ArrayList<>();
        doc.onUpdate((update, origin, tx) -> updates.add(update));
        doc.getText("t").insert(0, UpdateMarkers.markerFor(42));
        doc.getText("t").insert(0, UpdateMarkers.markerFor(UpdateMarkers.MAX_ID));

        List<Long> found = new ArrayList<>();
        byte[] merged = Y.mergeUpdates(updates);
        assertEquals(2, UpdateMarkers.scan(merged, 0, merged.length, found::add));
        found.sort(null);
        assertEquals(List.of(42L, UpdateMarkers.MAX_ID), found);
        assertThrows(IllegalArgumentException.class, () -> UpdateMarkers.markerFor(-1));
        byte[] noise = "<@12345@> <@zzzzzzzzzzzz@>".getBytes();
        assertEquals(0, UpdateMarkers.scan(noise, 0, noise.length, id -> {}));
    }

    @Test
    void bothDialectsRoundTripSyncMessages() {
        byte[] payload = {1, 2, 3};
        for (WireProtocol p : List.of(WireProtocol.named("y-websocket"), WireProtocol.named("hocuspocus"))) {
            IncomingMessage step1 = p.parse(p.sync("room-1", WireProtocol.SYNC_STEP1, payload));
            assertArrayEquals(
                    payload,
                    assertInstanceOf(IncomingMessage.SyncStep1.class, step1).stateVector());
            var update = assertInstanceOf(
                    IncomingMessage.Update.class, p.parse(p.sync("room-1", WireProtocol.SYNC_UPDATE, payload)));
            assertArrayEquals(payload, Arrays.copyOfRange(update.message(), update.from(), update.to()));
            assertInstanceOf(IncomingMessage.SyncStep2.class, p.parse(p.syncReply("room-1", payload)));
            assertInstanceOf(IncomingMessage.Awareness.class, p.parse(p.awareness("room-1", payload)));
        }
        // y-websocket SyncStep1 of an empty document: [0, 0, 1, 0]
        assertArrayEquals(
                new byte[] {0, 0, 1, 0},
                WireProtocol.named("y-websocket").sync("r", WireProtocol.SYNC_STEP1, new byte[] {0}));
        assertThrows(IllegalArgumentException.class, () -> WireProtocol.named("y-websocket")
                .parse(new byte[] {0, 2, 9}));
        assertThrows(IllegalArgumentException.class, () -> WireProtocol.named("socket.io"));
        // RFC 6455 section 1.3's example handshake
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", NioWebSocket.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void optionsRejectBadInput() {
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--rooms", "2"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--url", "ws://x/{room}", "--clients", "2", "--writers", "3"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--url", "ws://x/{room}", "--bogus", "1"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--url", "ws://x/{room}", "--server-pid", "abc"}));
        LoadOptions o =
                LoadOptions.parse(new String[] {"--url", "ws://x/{room}", "--rooms", "3", "--server-pid", "7,9"});
        assertEquals("ws://x/r1", o.urlFor("r1"));
        assertEquals(30, o.totalClients());
        assertEquals(List.of(7L, 9L), o.serverPids());
        assertEquals("nio", o.client());
    }

    @Test
    void severalUrlsAreAssignedRoundRobinByClientIndex() {
        LoadOptions o = LoadOptions.parse(new String[] {
            "--url",
            "ws://n1:3001/realtime/{room},ws://n2:3002/realtime/{room},ws://n3:3003/realtime/{room}",
            "--server-pid",
            "11, 12,13"
        });
        assertEquals(3, o.urlTemplates().size());
        assertEquals("ws://n1:3001/realtime/r", o.urlFor("r", 0));
        assertEquals("ws://n2:3002/realtime/r", o.urlFor("r", 1));
        assertEquals("ws://n3:3003/realtime/r", o.urlFor("r", 2));
        assertEquals("ws://n1:3001/realtime/r", o.urlFor("r", 3));
        assertEquals("ws://n1:3001/realtime/r", o.urlFor("r"));
        assertEquals(List.of(11L, 12L, 13L), o.serverPids());
        // one URL: every client gets it
        LoadOptions single = LoadOptions.parse(new String[] {"--url", "ws://x/{room}"});
        assertEquals("ws://x/a", single.urlFor("a", 7));
        // an empty or non-WebSocket entry is a typo, not a node
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--url", "ws://a/{room},,ws://b/{room}"}));
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(new String[] {"--url", "ws://a/{room},http://b/{room}"}));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse(new String[] {"--url", "ws://a/{room},"}));
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 64 + 1, "expected ~" + expected + ", got " + actual);
    }
}
