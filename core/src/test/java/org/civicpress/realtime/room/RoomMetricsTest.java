package org.civicpress.realtime.room;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoomMetricsTest {
    private static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("RoomMetricsTest", config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** The value of one sample line of the scrape, e.g. {@code realtime_rooms_active}; 0 when absent. */
    static double metric(RealtimeMetrics metrics, String sample) {
        for (String line : metrics.scrape().split("\n")) {
            if (line.startsWith(sample + " "))
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
        }
        return 0;
    }

    @Test
    void roomsUpdatesJournalWritesSnapshotsAndRejectionsAreCounted() {
        RealtimeMetrics metrics = new RealtimeMetrics();
        RoomServices services = RoomServices.defaults(HookSystem.inProcess()).withMetrics(metrics);
        ActorRef<Room.Command> room =
                kit.spawn(Room.create("metrics-1", fastSettings().withSnapshotEveryUpdates(2), services, null));
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        assertEquals(1, metric(metrics, "realtime_rooms_active"));
        assertEquals(1, metric(metrics, "realtime_rooms_started_total"));

        a.sendUpdate(room, U1);
        a.nextUpdate();
        a.sendUpdate(room, U2);
        a.nextUpdate();
        assertEquals(2, metric(metrics, "realtime_updates_applied_total"));
        assertEquals(U1.length + U2.length, metric(metrics, "realtime_update_bytes_total"));
        assertEquals(2, metric(metrics, "realtime_journal_write_seconds_count"));
        assertEquals(2, metric(metrics, "realtime_journal_batch_updates_sum"));
        awaitCondition("snapshot counted", () -> metric(metrics, "realtime_snapshots_saved_total") == 1);
        assertTrue(metric(metrics, "realtime_snapshot_bytes_total") > 0);

        a.send(room, new byte[] {9, 9});
        a.expectClose();
        assertEquals(1, metric(metrics, "realtime_messages_rejected_total{reason=\"protocol_error\"}"));
        FakeClient b = new FakeClient(kit, "b");
        b.join(room);
        b.sendUpdate(room, java.util.Arrays.copyOf(U2, U2.length - 4));
        b.expectClose();
        assertEquals(1, metric(metrics, "realtime_messages_rejected_total{reason=\"invalid_update\"}"));

        kit.stop(room);
        assertEquals(0, metric(metrics, "realtime_rooms_active"));
    }

    @Test
    void refusedRoomCountsARoomLimitRejection() {
        RealtimeMetrics metrics = new RealtimeMetrics();
        RoomServices services = RoomServices.defaults(HookSystem.inProcess()).withMetrics(metrics);
        RoomRegistry registry = RoomRegistry.get(kit.system());
        int before = registry.liveRooms();
        kit.spawn(Room.create("metrics-holder", fastSettings(), RoomServices.defaults(HookSystem.inProcess()), null));
        awaitCondition("holder room live", () -> registry.liveRooms() == before + 1);
        RoomSettings full = fastSettings().withMaxRoomsPerNode(before + 1);
        ActorRef<Room.Command> refused = kit.spawn(Room.create("metrics-2", full, services, null));
        FakeClient a = new FakeClient(kit, "a");
        refused.tell(a.joinCommand(null, false));
        assertEquals(4429, a.expectClose().code());
        assertEquals(1, metric(metrics, "realtime_messages_rejected_total{reason=\"room_limit\"}"));
        assertEquals(0, metric(metrics, "realtime_rooms_started_total"));
    }
}
