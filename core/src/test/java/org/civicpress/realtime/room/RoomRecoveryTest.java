package org.civicpress.realtime.room;

import static org.civicpress.realtime.room.RoomTestKit.fastSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/**
 * Recovery without a snapshot merges the replayed updates before applying them (Room.applyReplayed): the
 * recovered room must be exactly the room that applying every journaled update in turn gives.
 */
class RoomRecoveryTest extends JournaledRoomTestBase {

    /** Two clients editing each other's text and a map, each update as its client sent it. */
    private static List<byte[]> concurrentEdits(int count, long seed) {
        Doc a = new Doc(DocOptions.defaults().withClientId(1));
        Doc b = new Doc(DocOptions.defaults().withClientId(2));
        List<byte[]> updates = new ArrayList<>();
        Object sync = "sync";
        a.onUpdate((u, origin, tr) -> {
            if (origin != sync) {
                updates.add(u);
                Y.applyUpdate(b, u, sync);
            }
        });
        b.onUpdate((u, origin, tr) -> {
            if (origin != sync) {
                updates.add(u);
                Y.applyUpdate(a, u, sync);
            }
        });
        Random random = new Random(seed);
        while (updates.size() < count) {
            Doc d = random.nextBoolean() ? a : b;
            YText text = d.getText("t");
            int len = text.length();
            int op = random.nextInt(10);
            if (op < 6 || len == 0) {
                text.insert(random.nextInt(len + 1), "xyz".substring(0, 1 + random.nextInt(3)));
            } else if (op < 9) {
                int at = random.nextInt(len);
                text.delete(at, Math.min(len - at, 1 + random.nextInt(3)));
            } else {
                d.getMap("m").set("k" + random.nextInt(5), random.nextInt(100));
            }
        }
        return updates;
    }

    @Test
    void recoveryFromManyUpdateEventsWithoutSnapshotGivesTheDocumentOfApplyingThemOneByOne() {
        List<byte[]> updates = new ArrayList<>(concurrentEdits(5000, 7));
        // what a journal may hold besides clean typing: an update before the one it depends on (pending, then
        // integrated), a duplicate, and one the engine rejects (skipped, as before)
        Collections.swap(updates, 1500, 1501);
        Collections.swap(updates, 2047, 2049);
        updates.add(3000, updates.get(2999));
        updates.add(4000, new byte[] {5, 4, 3, 2, 1});
        List<Object> events = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < updates.size(); ) {
            int n = Math.min(updates.size() - i, 1 + random.nextInt(3)); // group commits of 1-3 updates
            events.add(RoomTestKit.journaled(updates.subList(i, i + n).toArray(byte[][]::new)));
            i += n;
        }
        journal.persistForRecovery(pid, events);

        Doc oneByOne = new Doc();
        for (byte[] u : updates) {
            try {
                Y.applyUpdate(oneByOne, u);
            } catch (InvalidUpdateException e) {
                // skipped on replay too
            }
        }
        ActorRef<Room.Command> room = kit.spawn(
                Room.create(roomId, fastSettings().withSnapshotsEnabled(false), RoomServices.defaults(hooks), null));
        TestProbe<Room.Inspection> probe = kit.createTestProbe();
        room.tell(new Room.Inspect(probe.getRef()));
        Room.Inspection inspection = probe.expectMessageClass(Room.Inspection.class);
        assertArrayEquals(Y.encodeStateAsUpdate(oneByOne), inspection.encodedState());
        assertEquals(events.size(), inspection.sequenceNr());
        assertEquals(updates.size(), inspection.updatesSinceSnapshot());
        assertEquals(0, inspection.lastSnapshotSequenceNr());

        // and it serves it: a client's SyncStep1 with an empty state vector is answered with the whole document
        FakeClient c = new FakeClient(kit, "c");
        c.join(room);
        c.send(room, SyncProtocol.encodeSyncStep1(new byte[] {0}));
        YMessage.SyncStep2 step2 = (YMessage.SyncStep2) c.next();
        Doc served = new Doc();
        Y.applyUpdate(served, step2.update());
        assertEquals(oneByOne.getText("t").toString(), served.getText("t").toString());
        assertEquals(oneByOne.getMap("m").toJSON(), served.getMap("m").toJSON());
    }
}
