package org.civicpress.realtime.room;

import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Own ActorSystem: the live-room count is per node. */
class MaxRoomsTest {
    private static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("MaxRoomsTest", config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void roomsBeyondTheLimitRefuseJoinsWith4429AndStop() {
        RoomSettings settings = fastSettings().withMaxRoomsPerNode(1).withCleanupTimeout(Duration.ofMillis(200));
        HookSystem hooks = HookSystem.inProcess();
        RoomRegistry registry = RoomRegistry.get(kit.system());

        ActorRef<Room.Command> first = kit.spawn(Room.create("max-1", settings, RoomServices.defaults(hooks), null));
        FakeClient a = new FakeClient(kit, "a");
        a.join(first);
        assertEquals(1, registry.liveRooms());

        ActorRef<Room.Command> second = kit.spawn(Room.create("max-2", settings, RoomServices.defaults(hooks), null));
        FakeClient b = new FakeClient(kit, "b");
        second.tell(b.joinCommand(null, false));
        Room.CloseWith refused = b.expectClose();
        assertEquals(4429, refused.code());
        kit.createTestProbe().expectTerminated(second, WAIT);
        assertEquals(1, registry.liveRooms());

        first.tell(new Room.Leave("a"));
        kit.createTestProbe().expectTerminated(first, WAIT);
        awaitCondition("slot released", () -> registry.liveRooms() == 0);

        ActorRef<Room.Command> third = kit.spawn(Room.create("max-2", settings, RoomServices.defaults(hooks), null));
        new FakeClient(kit, "c").join(third);
        assertEquals(1, registry.liveRooms());
    }

    @Test
    void roomsThatFailReleaseTheirSlot() {
        RoomSettings settings = fastSettings();
        HookSystem hooks = HookSystem.inProcess();
        RoomRegistry registry = RoomRegistry.get(kit.system());
        PersistenceTestKit journal = PersistenceTestKit.create(kit.system());
        int before = registry.liveRooms();

        ActorRef<Room.Command> failingWrite =
                kit.spawn(Room.create("fail-1", settings, RoomServices.defaults(hooks), null));
        FakeClient a = new FakeClient(kit, "a");
        a.join(failingWrite);
        journal.failNextPersisted("room|fail-1");
        a.sendUpdate(failingWrite, org.civicpress.realtime.protocol.YjsFixtures.U1);
        kit.createTestProbe().expectTerminated(failingWrite, WAIT);
        awaitCondition("slot released after a failed write", () -> registry.liveRooms() == before);

        journal.failNextRead("room|fail-2");
        ActorRef<Room.Command> failingRecovery =
                kit.spawn(Room.create("fail-2", settings, RoomServices.defaults(hooks), null));
        kit.createTestProbe().expectTerminated(failingRecovery, WAIT);
        awaitCondition("slot released after a failed recovery", () -> registry.liveRooms() == before);
    }
}
