package org.civicpress.realtime.connection;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.delivery.NodeRelay;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClientConnectionTest {
    private static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("ClientConnectionTest", config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void queuesUntilJoinedForwardsBothWaysAndRejoinsWhenTheIncarnationStops() {
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        TestProbe<Room.Command> room1 = kit.createTestProbe();
        TestProbe<Room.Command> room2 = kit.createTestProbe();
        AtomicReference<ActorRef<Room.Command>> current = new AtomicReference<>(room1.getRef());
        ActorRef<ClientConnection.Command> conn = kit.spawn(ClientConnection.create(
                new ClientConnection.Identity("doc", "c1", "127.0.0.1", "u1", RoomAccess.WRITE, null),
                SocketOut.toActor(socket.getRef()),
                fastSettings(),
                roomId -> current.get()));

        Room.Join join = room1.expectMessageClass(Room.Join.class, WAIT);
        assertEquals("c1", join.connectionId());
        assertEquals("u1", join.userId());
        // the room answers to the connection's message adapter, and writes to the socket or through the relay
        assertEquals(conn.path(), join.connection().path().parent());
        assertEquals(NodeRelay.get(kit.system()).ref(), join.relay());
        assertNotNull(NodeRelay.get(kit.system()).localSocket("c1"), "the socket is registered before the join");

        conn.tell(new ClientConnection.FromSocket(FRAME_STEP1_A));
        room1.expectNoMessage(QUIET);
        join.connection().tell(new Room.Joined(room1.getRef()));
        assertArrayEquals(
                FRAME_STEP1_A,
                room1.expectMessageClass(Room.FromClient.class, WAIT).message());
        conn.tell(new ClientConnection.FromSocket(FRAME_UPDATE_U1));
        assertArrayEquals(
                FRAME_UPDATE_U1,
                room1.expectMessageClass(Room.FromClient.class, WAIT).message());

        // a room on another node writes through this node's relay, where the connection registered its socket
        NodeRelay.get(kit.system()).ref().tell(new NodeRelay.Deliver(FRAME_UPDATE_U1, List.of("c1")));
        assertArrayEquals(
                FRAME_UPDATE_U1,
                socket.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());

        current.set(room2.getRef());
        room1.stop();
        Room.Join rejoin = room2.expectMessageClass(Room.Join.class, WAIT);
        assertEquals("c1", rejoin.connectionId());
        assertTrue(rejoin.rejoin());
        rejoin.connection().tell(new Room.Joined(room2.getRef()));

        conn.tell(new ClientConnection.SocketClosed());
        assertEquals("c1", room2.expectMessageClass(Room.Leave.class, WAIT).connectionId());
        kit.createTestProbe().expectTerminated(conn, WAIT);
    }

    @Test
    void closeFromTheRoomClosesTheSocketAndStops() {
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        TestProbe<Room.Command> room = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn = kit.spawn(ClientConnection.create(
                new ClientConnection.Identity("doc", "c2", "127.0.0.1", null, RoomAccess.WRITE, null),
                SocketOut.toActor(socket.getRef()),
                fastSettings(),
                roomId -> room.getRef()));
        Room.Join join = room.expectMessageClass(Room.Join.class, WAIT);
        join.connection().tell(new Room.CloseWith(4400, "invalid Yjs update"));
        SocketOut.CloseSocket close = socket.expectMessageClass(SocketOut.CloseSocket.class, WAIT);
        assertEquals(4400, close.code());
        assertEquals("invalid Yjs update", close.reason());
        kit.createTestProbe().expectTerminated(conn, WAIT);
    }

    @Test
    void unansweredJoinIsRetried() {
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        TestProbe<Room.Command> room = kit.createTestProbe();
        kit.spawn(ClientConnection.create(
                new ClientConnection.Identity("doc", "c3", "127.0.0.1", null, RoomAccess.WRITE, null),
                SocketOut.toActor(socket.getRef()),
                fastSettings(),
                roomId -> room.getRef()));
        room.expectMessageClass(Room.Join.class, WAIT);
        room.expectMessageClass(Room.Join.class, WAIT);
    }

    /** A real room behind the connection: echo after journaling, and resync after the room dies. */
    @Test
    void withARealRoomUpdatesAreEchoedAndAFailedRoomIsRejoinedAndResynced() {
        PersistenceTestKit journal = PersistenceTestKit.create(kit.system());
        RoomSettings settings = fastSettings();
        HookSystem hooks = HookSystem.inProcess();
        AtomicReference<ActorRef<Room.Command>> current =
                new AtomicReference<>(kit.spawn(Room.create("doc-real", settings, RoomServices.defaults(hooks), null)));
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn = kit.spawn(ClientConnection.create(
                new ClientConnection.Identity("doc-real", "c4", "127.0.0.1", null, RoomAccess.WRITE, null),
                SocketOut.toActor(socket.getRef()),
                settings,
                roomId -> current.get()));

        assertInstanceOf(YMessage.SyncStep1.class, nextFrom(socket));
        conn.tell(new ClientConnection.FromSocket(FRAME_UPDATE_U1));
        YMessage.SyncUpdate echo = assertInstanceOf(YMessage.SyncUpdate.class, nextFrom(socket));
        assertArrayEquals(U1, echo.update());

        ActorRef<Room.Command> first = current.get();
        journal.failNextPersisted("room|doc-real");
        conn.tell(new ClientConnection.FromSocket(SyncProtocol.encodeUpdate(U2)));
        kit.createTestProbe().expectTerminated(first, WAIT);
        current.set(kit.spawn(Room.create("doc-real", settings, RoomServices.defaults(hooks), null)));

        // the connection joins the new incarnation (retrying if its first join hit the dead one)
        YMessage.SyncStep1 resync = assertInstanceOf(YMessage.SyncStep1.class, nextFrom(socket));
        assertArrayEquals(hex("010105"), resync.stateVector(), "U1 survived, the failed U2 was never acknowledged");
        YMessage.SyncStep2 fullState =
                assertInstanceOf(YMessage.SyncStep2.class, nextFrom(socket), "re-join: whole doc");
        assertEquals("hello", textOf(fullState.update()));
        conn.tell(new ClientConnection.FromSocket(SyncProtocol.encodeSyncStep2(U2)));
        assertArrayEquals(
                U2,
                assertInstanceOf(YMessage.SyncUpdate.class, nextFrom(socket)).update());
        journal.clearAll();
    }

    /** READ access: its document changes never reach the room, its reads and the others' edits do. */
    @Test
    void aReadOnlyConnectionsEditsAreDroppedAndCountedWhileItKeepsReceiving() {
        PersistenceTestKit journal = PersistenceTestKit.create(kit.system());
        RoomSettings settings = fastSettings();
        ActorRef<Room.Command> room =
                kit.spawn(Room.create("doc-ro", settings, RoomServices.defaults(HookSystem.inProcess()), null));
        TestProbe<SocketOut.Written> readerSocket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> reader = kit.spawn(ClientConnection.create(
                new ClientConnection.Identity("doc-ro", "r1", "127.0.0.1", "rita", RoomAccess.READ, null),
                SocketOut.toActor(readerSocket.getRef()),
                settings,
                roomId -> room));
        assertInstanceOf(YMessage.SyncStep1.class, nextFrom(readerSocket));
        String before =
                org.civicpress.realtime.metrics.NodeMetrics.get(kit.system()).scrape();
        assertTrue(!before.contains("reason=\"read_only\""), before);

        reader.tell(new ClientConnection.FromSocket(FRAME_UPDATE_U1)); // an Update: dropped
        reader.tell(
                new ClientConnection.FromSocket(SyncProtocol.encodeSyncStep2(U1))); // SyncStep2 with content: dropped
        reader.tell(
                new ClientConnection.FromSocket(SyncProtocol.encodeSyncStep2(new byte[] {0, 0}))); // empty: harmless
        assertArrayEquals(
                new byte[] {0, 0},
                assertInstanceOf(YMessage.SyncUpdate.class, nextFrom(readerSocket))
                        .update(),
                "the empty SyncStep2 reached the room (which echoes it, changing nothing)");
        reader.tell(new ClientConnection.FromSocket(SyncProtocol.encodeSyncStep1(new byte[] {0})));
        YMessage.SyncStep2 answer = assertInstanceOf(
                YMessage.SyncStep2.class, nextFrom(readerSocket), "SyncStep1 is answered: the reader reads");
        assertEquals("", textOf(answer.update()), "nothing of the dropped edits reached the room");
        String after =
                org.civicpress.realtime.metrics.NodeMetrics.get(kit.system()).scrape();
        assertTrue(after.contains("realtime_messages_rejected_total{reason=\"read_only\"} 2"), after);

        TestProbe<SocketOut.Written> writerSocket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> writer = kit.spawn(ClientConnection.create(
                new ClientConnection.Identity("doc-ro", "w1", "127.0.0.1", "wanda", RoomAccess.WRITE, null),
                SocketOut.toActor(writerSocket.getRef()),
                settings,
                roomId -> room));
        assertInstanceOf(YMessage.SyncStep1.class, nextFrom(writerSocket));
        writer.tell(new ClientConnection.FromSocket(FRAME_UPDATE_U1));
        assertArrayEquals(
                U1,
                assertInstanceOf(YMessage.SyncUpdate.class, nextFrom(writerSocket))
                        .update());
        assertArrayEquals(
                U1,
                assertInstanceOf(YMessage.SyncUpdate.class, nextFrom(readerSocket))
                        .update(),
                "the reader receives the writer's edit");
        readerSocket.expectNoMessage(java.time.Duration.ofMillis(200));
        kit.stop(reader);
        kit.stop(writer);
        journal.clearAll();
    }

    /** The upgrade request's correlation id reaches the connection's hook events; every event has its own id. */
    @Test
    void hookEventsOfAConnectionCarryItsCorrelationId() throws Exception {
        PersistenceTestKit.create(kit.system());
        RoomSettings settings = fastSettings();
        HookSystem hooks = HookSystem.inProcess();
        LinkedBlockingQueue<HookEvent> events = new LinkedBlockingQueue<>();
        hooks.on(HookEvents.ANY, e -> {
            if ("doc-corr".equals(e.roomId())) events.add(e);
        });
        ActorRef<Room.Command> room = kit.spawn(Room.create("doc-corr", settings, RoomServices.defaults(hooks), null));
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn = kit.spawn(ClientConnection.create(
                new ClientConnection.Identity("doc-corr", "c5", "127.0.0.1", null, RoomAccess.WRITE, "req-77"),
                SocketOut.toActor(socket.getRef()),
                settings,
                roomId -> room));
        assertInstanceOf(YMessage.SyncStep1.class, nextFrom(socket));
        kit.stop(conn);

        Map<String, HookEvent> byName = new HashMap<>();
        while (byName.size() < 3) {
            var e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "hook events so far: " + byName.keySet());
            byName.put(e.event(), e);
        }
        var connected = byName.get(HookEvents.CLIENT_CONNECTED);
        var disconnected = byName.get(HookEvents.CLIENT_DISCONNECTED);
        assertEquals("req-77", connected.correlationId());
        assertEquals("req-77", disconnected.correlationId());
        assertEquals("c5", connected.clientId());
        assertNotEquals(connected.id(), disconnected.id());
        assertNull(byName.get(HookEvents.ROOM_CREATED).correlationId(), "a room event is not one connection's");
    }

    private static YMessage nextFrom(TestProbe<SocketOut.Written> socket) {
        return MessageDecoder.decode(
                socket.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
    }
}
