package org.civicpress.realtime.room;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.protocol.AwarenessProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/**
 * Room-side limits (rooms.max_document_bytes, rooms.max_pending_bytes, websocket.max_awareness_bytes,
 * websocket.max_awareness_clients): the offending connection is closed with 4429 and the room's document,
 * journal and awareness are exactly what they were.
 */
class RoomLimitsTest extends JournaledRoomTestBase {
    private ActorRef<Room.Command> spawnRoom(RoomSettings.Limits limits) {
        return kit.spawn(Room.create(roomId, fastSettings().withLimits(limits), RoomServices.defaults(hooks), null));
    }

    private static RoomSettings.Limits limits(int maxDocument, int maxPending, int maxAwareness, int maxClients) {
        return new RoomSettings.Limits(maxDocument, maxPending, maxAwareness, maxClients);
    }

    private int journaledUpdates() {
        return journal.persistedInStorage(pid).stream()
                .filter(e -> e instanceof Room.UpdatesJournaled)
                .mapToInt(e -> ((Room.UpdatesJournaled) e).updates().size())
                .sum();
    }

    private byte[] encodedState(ActorRef<Room.Command> room) {
        TestProbe<Room.Inspection> probe = kit.createTestProbe();
        room.tell(new Room.Inspect(probe.getRef()));
        return probe.expectMessageClass(Room.Inspection.class, WAIT).encodedState();
    }

    /** One insert of {@code chars} characters by client {@code clientId} at the end of text "t". */
    private static List<byte[]> inserts(long clientId, int count, int chars) {
        Doc doc = new Doc(DocOptions.defaults().withClientId(clientId));
        List<byte[]> updates = new ArrayList<>();
        doc.onUpdate((u, origin, tr) -> updates.add(u));
        for (int i = 0; i < count; i++) doc.getText("t").insert(doc.getText("t").length(), "x".repeat(chars));
        return updates;
    }

    @Test
    void updateThatWouldExceedTheDocumentSizeIsRefusedWith4429AndTheRoomIsUnchanged() {
        ActorRef<Room.Command> room = spawnRoom(limits(4096, 1 << 20, 1024, 4));
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);
        List<byte[]> big = inserts(11, 3, 1500);
        a.sendUpdate(room, big.get(0));
        a.sendUpdate(room, big.get(1));
        a.nextUpdate();
        b.nextUpdate();
        a.nextUpdate();
        b.nextUpdate();
        byte[] before = encodedState(room);
        assertEquals(2, journaledUpdates());

        a.sendUpdate(room, big.get(2)); // 3 x 1500 characters > 4096 bytes
        Room.CloseWith close = a.expectClose();
        assertEquals(4429, close.code());
        assertTrue(close.reason().startsWith("document size limit"), close.reason());
        b.expectNothing();
        assertEquals(2, journaledUpdates(), "nothing journaled");
        assertArrayEquals(before, encodedState(room), "document byte-identical");

        // the room still takes updates that fit
        b.sendUpdate(room, B1);
        assertArrayEquals(B1, b.nextUpdate());
    }

    @Test
    void updatesWhoseDependenciesNeverArriveStopAtThePendingLimit() {
        ActorRef<Room.Command> room = spawnRoom(limits(1 << 20, 2048, 1024, 4));
        FakeClient a = new FakeClient(kit, "a");
        FakeClient c = new FakeClient(kit, "c");
        a.join(room);
        c.join(room);
        a.sendUpdate(room, U1);
        a.nextUpdate();
        c.nextUpdate();
        // Client 12's first insert never arrives: every later one waits for it.
        List<byte[]> orphans = inserts(12, 40, 100).subList(1, 40);
        Doc model = new Doc();
        Y.applyUpdate(model, U1);
        int refusedAt = -1;
        for (int i = 0; i < orphans.size() && refusedAt < 0; i++) {
            Y.applyUpdate(model, orphans.get(i));
            if (UpdateLimits.pendingBytes(model) > 2048) refusedAt = i;
        }
        assertTrue(refusedAt > 1, "the model reaches the limit after a few orphans: " + refusedAt);

        for (int i = 0; i < refusedAt; i++) {
            c.sendUpdate(room, orphans.get(i));
            assertArrayEquals(orphans.get(i), c.nextUpdate(), "pending but durable: journaled and echoed");
            assertArrayEquals(orphans.get(i), a.nextUpdate());
        }
        assertEquals(1 + refusedAt, journaledUpdates());
        c.sendUpdate(room, orphans.get(0));
        assertArrayEquals(orphans.get(0), c.nextUpdate(), "a re-sent pending update is acknowledged");
        a.expectNothing();
        assertEquals(1 + refusedAt, journaledUpdates(), "but adds nothing, so it is not journaled again");

        byte[] before = encodedState(room);
        c.sendUpdate(room, orphans.get(refusedAt));
        Room.CloseWith close = c.expectClose();
        assertEquals(4429, close.code());
        assertTrue(close.reason().startsWith("pending updates limit"), close.reason());
        a.expectNothing();
        assertEquals(1 + refusedAt, journaledUpdates(), "nothing journaled");
        assertArrayEquals(before, encodedState(room), "document (with its pending part) byte-identical");
    }

    @Test
    void largeUpdateWhoseDependenciesArePresentIsNotRefusedByThePendingLimit() {
        ActorRef<Room.Command> room = spawnRoom(limits(1 << 20, 1024, 1024, 4));
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        List<byte[]> updates = inserts(13, 2, 3000);
        a.sendUpdate(room, updates.get(0));
        assertArrayEquals(updates.get(0), a.nextUpdate());
        a.sendUpdate(room, updates.get(1));
        assertArrayEquals(updates.get(1), a.nextUpdate(), "3000 bytes > the 1024 pending limit, but nothing pending");
        assertEquals(2, journaledUpdates());
    }

    @Test
    void awarenessStateOverTheSizeLimitOrTooManyClientIdsCloses4429AndChangesNothing() {
        ActorRef<Room.Command> room = spawnRoom(limits(1 << 20, 1 << 20, 64, 2));
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);
        a.send(room, AwarenessProtocol.wrapUpdate(AWARENESS_7));
        b.next();

        String bomb = "{\"user\":\"" + "é".repeat(40) + "\"}"; // 53 chars, 93 UTF-8 bytes
        b.send(room, AwarenessProtocol.encodeMessage(List.of(new AwarenessProtocol.Entry(8, 1, bomb))));
        Room.CloseWith close = b.expectClose();
        assertEquals(4429, close.code());
        assertTrue(close.reason().startsWith("awareness state size limit"), close.reason());
        a.expectNothing();

        FakeClient c = new FakeClient(kit, "c");
        c.join(room);
        YMessage.Awareness known = assertInstanceOf(YMessage.Awareness.class, c.next());
        assertEquals(
                List.of(7L),
                known.entries().stream().map(AwarenessProtocol.Entry::clientId).toList(),
                "the refused state was never stored");
        c.send(
                room,
                AwarenessProtocol.encodeMessage(
                        List.of(new AwarenessProtocol.Entry(20, 1, "{}"), new AwarenessProtocol.Entry(21, 1, "{}"))));
        assertInstanceOf(YMessage.Awareness.class, a.next(), "two client ids on one connection are allowed");
        // y-websocket clients echo every awareness change they receive: a's state at its own clock is not c's
        c.send(room, AwarenessProtocol.wrapUpdate(AWARENESS_7));
        assertInstanceOf(YMessage.Awareness.class, a.next());
        c.probe.expectNoMessage(QUIET);
        c.send(room, AwarenessProtocol.encodeMessage(List.of(new AwarenessProtocol.Entry(22, 1, "{}"))));
        close = c.expectClose();
        assertEquals(4429, close.code());
        assertTrue(close.reason().startsWith("awareness clients limit"), close.reason());
    }
}
