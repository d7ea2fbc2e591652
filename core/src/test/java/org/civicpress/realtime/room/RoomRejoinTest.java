package org.civicpress.realtime.room;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.civicpress.realtime.room.RoomTestKit.HoldFirstWrite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A connection re-joining a new incarnation gets the whole journaled document and sends what the room lacks. */
class RoomRejoinTest {
    private static ActorTestKit kit;
    private static PersistenceTestKit journal;
    private static final HookSystem hooks = HookSystem.inProcess();

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("RoomRejoinTest", config());
        journal = PersistenceTestKit.create(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @AfterEach
    void reset() {
        journal.resetPolicy();
        journal.clearAll();
    }

    @Test
    void rejoinIsGreetedWithSyncStep1AndTheWholeDocument() {
        ActorRef<Room.Command> room =
                kit.spawn(Room.create("rejoin-1", fastSettings(), RoomServices.defaults(hooks), null));
        FakeClient writer = new FakeClient(kit, "w");
        writer.join(room);
        writer.sendUpdate(room, U1);
        writer.nextUpdate();

        FakeClient back = new FakeClient(kit, "back");
        room.tell(back.joinCommand(null, true));
        back.probe.expectMessageClass(Room.Joined.class, WAIT);
        assertInstanceOf(YMessage.SyncStep1.class, back.next());
        assertEquals(
                "hello",
                textOf(assertInstanceOf(YMessage.SyncStep2.class, back.next()).update()));

        FakeClient first = new FakeClient(kit, "first");
        first.join(room);
        first.expectNothing(); // a first join only gets the SyncStep1: its client sends its own SyncStep1
    }

    @Test
    void rejoinDuringAWriteGetsTheDocumentOnlyAfterTheWrite() throws Exception {
        ActorRef<Room.Command> room =
                kit.spawn(Room.create("rejoin-2", fastSettings(), RoomServices.defaults(hooks), null));
        FakeClient writer = new FakeClient(kit, "w");
        writer.join(room);
        HoldFirstWrite slowDb = new HoldFirstWrite();
        journal.withPolicy(slowDb);
        FakeClient back = new FakeClient(kit, "back");
        try {
            writer.sendUpdate(room, U1);
            slowDb.awaitWriteStarted();
            room.tell(back.joinCommand(null, true));
            back.expectNothing(); // nothing derived from the unjournaled doc
        } finally {
            slowDb.release();
        }
        back.probe.expectMessageClass(Room.Joined.class, WAIT);
        assertArrayEquals(
                hex("010105"),
                assertInstanceOf(YMessage.SyncStep1.class, back.next()).stateVector());
        assertEquals(
                "hello",
                textOf(assertInstanceOf(YMessage.SyncStep2.class, back.next()).update()));
        back.expectNothing();
    }

    /**
     * The old incarnation journaled a batch but stopped before broadcasting it (simulated: the batch is
     * put straight into the journal): after the re-join the connection's client has it anyway, and what
     * the client has and the room lacks flows the other way.
     */
    @Test
    void connectionGetsTheBatchItMissedAfterItsRoomIncarnationStopped() {
        String roomId = "rejoin-3";
        AtomicReference<ActorRef<Room.Command>> current = new AtomicReference<>(
                kit.spawn(Room.create(roomId, fastSettings(), RoomServices.defaults(hooks), null)));
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn = kit.spawn(ClientConnection.create(
                new ClientConnection.Identity(roomId, "c1", "127.0.0.1", null, RoomAccess.WRITE, null),
                SocketOut.toActor(socket.getRef()),
                fastSettings(),
                id -> current.get()));
        assertInstanceOf(YMessage.SyncStep1.class, nextFrom(socket));

        ActorRef<Room.Command> old = current.get();
        journal.persistForRecovery("room|" + roomId, List.of(journaled(U1)));
        current.set(kit.spawn(Room.create(roomId, fastSettings(), RoomServices.defaults(hooks), null)));
        kit.stop(old);

        YMessage.SyncStep1 step1 = assertInstanceOf(YMessage.SyncStep1.class, nextFrom(socket));
        assertArrayEquals(hex("010105"), step1.stateVector());
        YMessage.SyncStep2 whole = assertInstanceOf(YMessage.SyncStep2.class, nextFrom(socket));
        assertEquals("hello", textOf(whole.update()), "the missed batch reached the client");

        // the client answers the SyncStep1 with what the room lacks (here: B1, typed while disconnected)
        conn.tell(new ClientConnection.FromSocket(SyncProtocol.encodeSyncStep2(B1)));
        assertArrayEquals(
                B1,
                assertInstanceOf(YMessage.SyncUpdate.class, nextFrom(socket)).update());
        assertEquals(2, journal.persistedInStorage("room|" + roomId).size());
    }

    private static YMessage nextFrom(TestProbe<SocketOut.Written> socket) {
        return MessageDecoder.decode(
                socket.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
    }
}
