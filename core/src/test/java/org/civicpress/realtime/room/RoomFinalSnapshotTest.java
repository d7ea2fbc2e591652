package org.civicpress.realtime.room;

import static org.civicpress.realtime.room.RoomTestKit.WAIT;
import static org.civicpress.realtime.room.RoomTestKit.config;
import static org.civicpress.realtime.room.RoomTestKit.fastSettings;
import static org.civicpress.realtime.room.RoomTestKit.textOf;
import static org.civicpress.realtime.room.RoomTestKit.typedUpdates;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A room that stops (idle passivation here; sharding's stop message on rebalance and node shutdown
 * takes the same path) saves a final snapshot when updates arrived since the last one, and none when
 * nothing changed.
 */
class RoomFinalSnapshotTest {
    private static ActorTestKit kit;
    private static PersistenceTestKit journal;
    private static SnapshotTestKit snapshots;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("RoomFinalSnapshotTest", config());
        journal = PersistenceTestKit.create(kit.system());
        snapshots = SnapshotTestKit.create(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void aStoppingRoomSnapshotsItsUnsnapshottedUpdatesOnlyOnce() {
        String roomId = "final-" + UUID.randomUUID();
        String pid = "room|" + roomId;
        // Neither the update count nor the interval would snapshot during this test.
        RoomSettings settings = fastSettings()
                .withSnapshotEveryUpdates(1000)
                .withSnapshotInterval(Duration.ofHours(1))
                .withCleanupTimeout(Duration.ofMillis(200));
        HookSystem hooks = HookSystem.inProcess();

        ActorRef<Room.Command> room = kit.spawn(Room.create(roomId, settings, RoomServices.defaults(hooks), null));
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        List<byte[]> typed = typedUpdates(7, 5);
        for (byte[] update : typed) {
            a.sendUpdate(room, update);
            a.nextUpdate();
        }
        assertTrue(snapshots.persistedInStorage(pid).isEmpty(), "no snapshot while the room runs");
        TestProbe<Object> watcher = kit.createTestProbe();
        room.tell(new Room.Leave("a"));
        watcher.expectTerminated(room, WAIT);

        RoomTestKit.awaitCondition(
                "final snapshot", () -> snapshots.persistedInStorage(pid).size() == 1);
        Room.Snapshot last =
                (Room.Snapshot) snapshots.persistedInStorage(pid).get(0).second();
        assertEquals("abcde", textOf(last.encodedState()), "the final snapshot holds every journaled update");

        // A new incarnation recovers from it; stopping again without updates adds no snapshot.
        ActorRef<Room.Command> again = kit.spawn(Room.create(roomId, settings, RoomServices.defaults(hooks), null));
        FakeClient b = new FakeClient(kit, "b");
        b.join(again);
        long eventsBefore = journal.persistedInStorage(pid).size();
        again.tell(new Room.Leave("b"));
        watcher.expectTerminated(again, WAIT);
        assertEquals(1, snapshots.persistedInStorage(pid).size(), "nothing new to snapshot");
        assertEquals(eventsBefore, journal.persistedInStorage(pid).size(), "no marker event either");
    }
}
