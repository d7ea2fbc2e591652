package org.civicpress.realtime.roomtypes;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.protocol.AwarenessProtocol;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoomTypesTest {
    private static ActorTestKit kit;
    private static PersistenceTestKit journal;
    private static final RoomTypes TYPES = RoomTypes.builder()
            .prefix("announcements:", new AnnouncementsRoomType())
            .prefix("presence:", RoomTypes.PRESENCE)
            .build();

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("RoomTypesTest", config());
        journal = PersistenceTestKit.create(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void firstMatchWinsAndEverythingElseIsADocument() {
        assertEquals("presence", RoomTypes.defaults().forRoom("presence:lobby").name());
        assertEquals("document", RoomTypes.defaults().forRoom("bylaw-12").name());
        assertEquals("document", RoomTypes.defaults().forRoom("my-presence:x").name(), "prefix, not contains");
        RoomTypes custom = RoomTypes.builder()
                .matching("a.*", RoomTypes.PRESENCE)
                .matching("ab.*", new AnnouncementsRoomType())
                .otherwise(RoomTypes.PRESENCE)
                .build();
        assertEquals("presence", custom.forRoom("abc").name());
        assertEquals("presence", custom.forRoom("zzz").name());
        assertEquals("announcements", TYPES.forRoom("announcements:council").name());
    }

    @Test
    void presenceRoomRelaysAwarenessAnswersSyncAndJournalsNothing() throws Exception {
        HookSystem hooks = HookSystem.inProcess();
        LinkedBlockingQueue<HookEvent> created = new LinkedBlockingQueue<>();
        hooks.on(HookEvents.ROOM_CREATED, created::add);
        String roomId = "presence:lobby";
        ActorRef<Room.Command> room =
                kit.spawn(Room.create(roomId, fastSettings(), RoomServices.defaults(hooks), null));
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        room.tell(a.joinCommand(null, false));
        room.tell(b.joinCommand(null, false));
        a.probe.expectMessageClass(Room.Joined.class, WAIT);
        b.probe.expectMessageClass(Room.Joined.class, WAIT);
        a.expectNothing(QUIET); // no server SyncStep1: the room has no document to fill

        room.tell(new Room.FromClient("a", SyncProtocol.encodeSyncStep1(new byte[] {0})));
        YMessage.SyncStep2 answer = assertInstanceOf(YMessage.SyncStep2.class, next(a));
        assertEquals("", textOf(answer.update()), "empty SyncStep2: y-websocket reaches 'synced'");

        room.tell(new Room.FromClient("a", SyncProtocol.encodeUpdate(U1)));
        room.tell(new Room.FromClient("a", SyncProtocol.encodeSyncStep2(B1)));
        room.tell(new Room.FromClient("a", AwarenessProtocol.wrapUpdate(AWARENESS_7)));
        assertInstanceOf(YMessage.Awareness.class, next(b), "awareness relayed; the updates before it were dropped");
        a.expectNothing(QUIET);
        assertTrue(journal.persistedInStorage("room|" + roomId).isEmpty(), "nothing journaled");

        HookEvent e = created.poll(10, TimeUnit.SECONDS);
        assertNotNull(e);
        assertEquals("presence", e.roomType());
    }

    @Test
    void customReadOnlyTypeRefusesClientUpdatesWith4403AndTagsItsHooks() throws Exception {
        HookSystem hooks = HookSystem.inProcess();
        LinkedBlockingQueue<HookEvent> connected = new LinkedBlockingQueue<>();
        hooks.on(HookEvents.CLIENT_CONNECTED, connected::add);
        RealtimeMetrics metrics = new RealtimeMetrics();
        RoomServices services =
                RoomServices.defaults(hooks).withRoomTypes(TYPES).withMetrics(metrics);
        String roomId = "announcements:council";
        ActorRef<Room.Command> room = kit.spawn(Room.create(roomId, fastSettings(), services, null));
        FakeClient a = new FakeClient(kit, "a");
        room.tell(a.joinCommand("alice", false));
        a.probe.expectMessageClass(Room.Joined.class, WAIT);
        assertInstanceOf(YMessage.SyncStep1.class, next(a), "a journaled type greets like a document");

        room.tell(new Room.FromClient("a", SyncProtocol.encodeUpdate(U1)));
        Room.CloseWith close = a.expectClose();
        assertEquals(4403, close.code());
        assertTrue(journal.persistedInStorage("room|" + roomId).isEmpty());
        assertTrue(metrics.scrape().contains("realtime_messages_rejected_total{reason=\"forbidden\"} 1.0"));

        HookEvent e = connected.poll(10, TimeUnit.SECONDS);
        assertNotNull(e);
        assertEquals("announcements", e.roomType());
        assertEquals(true, e.data().get("readOnly"));
        assertEquals("alice", e.userId());
    }

    private static YMessage next(FakeClient client) {
        return client.next();
    }
}
