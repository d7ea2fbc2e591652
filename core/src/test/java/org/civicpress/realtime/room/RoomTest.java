package org.civicpress.realtime.room;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.protocol.AwarenessProtocol;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.civicpress.realtime.room.RoomTestKit.HoldFirstWrite;
import org.junit.jupiter.api.Test;

class RoomTest extends JournaledRoomTestBase {
    private ActorRef<Room.Command> spawnRoom(RoomSettings settings) {
        return kit.spawn(Room.create(roomId, settings, RoomServices.defaults(hooks), null));
    }

    private List<Room.UpdatesJournaled> journaledBatches() {
        return journal.persistedInStorage(pid).stream()
                .filter(e -> e instanceof Room.UpdatesJournaled)
                .map(e -> (Room.UpdatesJournaled) e)
                .toList();
    }

    @Test
    void joinIsAnsweredWithIncarnationAndServerSyncStep1() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        Room.Joined joined = a.joinNoGreeting(room);
        assertEquals(room, joined.incarnation());
        YMessage.SyncStep1 step1 = assertInstanceOf(YMessage.SyncStep1.class, a.next());
        assertArrayEquals(new byte[] {0}, step1.stateVector(), "empty doc has an empty state vector");
    }

    @Test
    void updatesAreEchoedToEveryoneOnlyAfterTheJournalHasThemAndBatchedWhileAWriteIsInFlight() throws Exception {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);

        HoldFirstWrite slowDb = new HoldFirstWrite();
        journal.withPolicy(slowDb);
        a.sendUpdate(room, U1);
        slowDb.awaitWriteStarted();
        a.sendUpdate(room, U2);
        b.sendUpdate(room, B1);
        a.expectNothing();
        b.expectNothing();
        assertTrue(journaledBatches().isEmpty());

        slowDb.release();
        assertArrayEquals(U1, a.nextUpdate(), "the sender gets its echo (durable ack)");
        assertArrayEquals(U1, b.nextUpdate());
        byte[] batchForA = a.nextUpdate();
        byte[] batchForB = b.nextUpdate();
        assertArrayEquals(batchForA, batchForB);
        assertEquals("hello worldX", textOf(U1, batchForA));

        List<Room.UpdatesJournaled> batches = journaledBatches();
        assertEquals(2, batches.size(), "U2 and B1 arrived during the first write: one group commit");
        assertEquals(1, batches.get(0).updates().size());
        assertArrayEquals(U1, batches.get(0).updates().get(0).update());
        assertEquals(2, batches.get(1).updates().size());
        assertArrayEquals(U2, batches.get(1).updates().get(0).update());
        assertArrayEquals(B1, batches.get(1).updates().get(1).update());
        // who did what: every journaled update names its sender's user and connection and when it arrived
        Room.JournaledUpdate fromB = batches.get(1).updates().get(1);
        assertEquals("user-b", fromB.userId());
        assertEquals("b", fromB.connectionId());
        assertTrue(Math.abs(System.currentTimeMillis() - fromB.receivedAtMillis()) < 60_000, "server time of arrival");
    }

    @Test
    void duplicateUpdateIsEchoedToItsSenderOnlyAndNotJournaledAgain() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);
        a.sendUpdate(room, U1);
        a.nextUpdate();
        b.nextUpdate();

        a.sendUpdate(room, U1);
        assertArrayEquals(U1, a.nextUpdate(), "a client resending after reconnect still gets its ack");
        b.expectNothing();
        assertEquals(1, journaledBatches().size());
    }

    @Test
    void updateWaitingForMissingDependenciesIsJournaledEchoedAndRecovered() {
        RoomSettings settings = fastSettings().withCleanupTimeout(Duration.ofMillis(200));
        ActorRef<Room.Command> room = spawnRoom(settings);
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        a.sendUpdate(room, U2);
        assertArrayEquals(U2, a.nextUpdate(), "pending in the doc, but durable: acknowledged");
        assertEquals(1, journaledBatches().size());

        room.tell(new Room.Leave("a"));
        kit.createTestProbe().expectTerminated(room, WAIT);
        ActorRef<Room.Command> again = spawnRoom(settings);
        FakeClient b = new FakeClient(kit, "b");
        b.join(again);
        b.sendUpdate(again, U1);
        assertArrayEquals(U1, b.nextUpdate());
        b.send(again, SyncProtocol.encodeSyncStep1(new byte[] {0}));
        YMessage.SyncStep2 answer = assertInstanceOf(YMessage.SyncStep2.class, b.next());
        assertEquals("hello world", textOf(answer.update()), "the recovered pending update was integrated");
    }

    @Test
    void invalidUpdateClosesTheSenderWith4400AndLeavesTheRoomUnchanged() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);
        a.sendUpdate(room, U1);
        a.nextUpdate();
        b.nextUpdate();

        byte[] truncated = java.util.Arrays.copyOf(U2, U2.length - 4);
        b.sendUpdate(room, truncated);
        Room.CloseWith close = b.expectClose();
        assertEquals(4400, close.code());
        a.expectNothing();
        assertEquals(1, journaledBatches().size());

        // b is out: its further frames are ignored; the doc is exactly U1
        b.sendUpdate(room, U2);
        FakeClient c = new FakeClient(kit, "c");
        YMessage.SyncStep1 serverSv = c.join(room);
        assertArrayEquals(hex("010105"), serverSv.stateVector(), "client 1 with 5 clocks, nothing else");
        c.send(room, SyncProtocol.encodeSyncStep1(new byte[] {0}));
        YMessage.SyncStep2 step2 = assertInstanceOf(YMessage.SyncStep2.class, c.next());
        assertEquals("hello", textOf(step2.update()));
    }

    @Test
    void unknownMessageTypeAndMalformedFramesClose4400() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        a.send(room, hex("09"));
        assertEquals(4400, a.expectClose().code());

        FakeClient b = new FakeClient(kit, "b");
        b.join(room);
        b.send(room, hex("0000ff"));
        assertEquals(4400, b.expectClose().code());
    }

    @Test
    void authMessagesAreIgnored() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        a.send(room, hex("0200026e6f"));
        a.expectNothing();
        a.send(room, AwarenessProtocol.encodeQuery());
        assertInstanceOf(YMessage.Awareness.class, a.next(), "still joined");
    }

    @Test
    void syncStep1DuringAWriteIsAnsweredAfterItWithoutUnjournaledUpdates() throws Exception {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        a.sendUpdate(room, U1);
        a.nextUpdate();

        HoldFirstWrite slowDb = new HoldFirstWrite();
        journal.withPolicy(slowDb);
        a.sendUpdate(room, U2);
        slowDb.awaitWriteStarted();
        // everything sent during the write waits (Pekko stashes commands while persisting)
        FakeClient c = new FakeClient(kit, "c");
        room.tell(c.joinCommand(null, false));
        c.send(room, SyncProtocol.encodeSyncStep1(new byte[] {0}));
        a.sendUpdate(room, U3_DELETE);
        c.expectNothing();

        slowDb.release();
        assertArrayEquals(U2, a.nextUpdate());
        // c joined after the write but before the room was quiescent: greeting and answer were deferred
        c.probe.expectMessageClass(Room.Joined.class, WAIT);
        assertInstanceOf(YMessage.SyncStep1.class, c.next());
        YMessage.SyncStep2 answer = assertInstanceOf(YMessage.SyncStep2.class, c.next());
        assertEquals("hello world", textOf(answer.update()), "U3 was not journaled when the answer was made");
        assertArrayEquals(U3_DELETE, c.nextUpdate(), "the stashed update follows once journaled");
        assertArrayEquals(U3_DELETE, a.nextUpdate());
        assertEquals(3, journaledBatches().size());
    }

    @Test
    void awarenessIsRelayedQueriedAndRemovedWhenItsConnectionLeaves() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);

        a.send(room, AwarenessProtocol.wrapUpdate(AWARENESS_7));
        YMessage.Awareness relayed = assertInstanceOf(YMessage.Awareness.class, b.next());
        assertArrayEquals(AWARENESS_7, relayed.update());
        a.expectNothing();

        FakeClient c = new FakeClient(kit, "c");
        c.join(room);
        YMessage.Awareness greeting = assertInstanceOf(YMessage.Awareness.class, c.next(), "joiners get known states");
        assertEquals(7, greeting.entries().get(0).clientId());
        c.send(room, AwarenessProtocol.encodeQuery());
        YMessage.Awareness answer = assertInstanceOf(YMessage.Awareness.class, c.next());
        assertEquals(List.of(new AwarenessProtocol.Entry(7, 1, "{\"user\":{\"name\":\"a\"}}")), answer.entries());

        room.tell(new Room.Leave("a"));
        for (FakeClient other : List.of(b, c)) {
            YMessage.Awareness removal = assertInstanceOf(YMessage.Awareness.class, other.next());
            assertArrayEquals(AWARENESS_7_NULL, removal.update(), "same bytes y-protocols sends: clock+1, null");
        }
    }

    @Test
    void awarenessIsRemovedWhenTheConnectionActorDies() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);
        a.send(room, AwarenessProtocol.wrapUpdate(AWARENESS_7));
        b.next();
        a.probe.stop();
        YMessage.Awareness removal = assertInstanceOf(YMessage.Awareness.class, b.next());
        assertTrue(removal.entries().get(0).isRemoval());
    }

    @Test
    void awarenessNotRenewedWithinTheTimeoutIsRemoved() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings().withAwarenessTimeout(Duration.ofSeconds(1)));
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);
        long sent = System.nanoTime();
        a.send(room, AwarenessProtocol.wrapUpdate(AWARENESS_7));
        b.next();
        YMessage.Awareness removal = assertInstanceOf(YMessage.Awareness.class, b.next());
        assertTrue(System.nanoTime() - sent >= Duration.ofSeconds(1).toNanos());
        assertArrayEquals(AWARENESS_7_NULL, removal.update());
        YMessage.Awareness toA = assertInstanceOf(YMessage.Awareness.class, a.next());
        assertTrue(toA.entries().get(0).isRemoval());
    }

    @Test
    void snapshotsFollowTheUpdateCountAndRecoveryReproducesTheDocument() throws Exception {
        LinkedBlockingQueue<HookEvent> saved = new LinkedBlockingQueue<>();
        Runnable unsubscribe = hooks.on(HookEvents.SNAPSHOT_SAVED, saved::add);
        try {
            RoomSettings settings =
                    fastSettings().withSnapshotEveryUpdates(3).withCleanupTimeout(Duration.ofMillis(200));
            ActorRef<Room.Command> room = spawnRoom(settings);
            FakeClient a = new FakeClient(kit, "a");
            a.join(room);
            List<byte[]> typed = typedUpdates(9, 7);
            for (byte[] u : typed) {
                a.sendUpdate(room, u);
                a.nextUpdate();
            }
            awaitCondition(
                    "two snapshots", () -> snapshots.persistedInStorage(pid).size() >= 2);
            HookEvent first = saved.poll(10, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals(roomId, first.roomId());
            assertEquals(3L, first.data().get("sequenceNr"));
            Room.Snapshot latest = (Room.Snapshot) snapshots
                    .persistedInStorage(pid)
                    .get(snapshots.persistedInStorage(pid).size() - 1)
                    .second();
            assertEquals("abcdef", textOf(latest.encodedState()));

            // leave: the idle room passivates; a new incarnation recovers snapshot + the 7th update
            TestProbe<Object> watcher = kit.createTestProbe();
            room.tell(new Room.Leave("a"));
            watcher.expectTerminated(room, WAIT);
            ActorRef<Room.Command> again = spawnRoom(settings);
            FakeClient c = new FakeClient(kit, "c");
            c.join(again);
            c.send(again, SyncProtocol.encodeSyncStep1(new byte[] {0}));
            YMessage.SyncStep2 answer = assertInstanceOf(YMessage.SyncStep2.class, c.next());
            assertEquals("abcdefg", textOf(answer.update()));
        } finally {
            unsubscribe.run();
        }
    }

    @Test
    void deleteEventsOnSnapshotKeepsTheJournalShort() {
        RoomSettings settings = fastSettings().withSnapshotEveryUpdates(2);
        ActorRef<Room.Command> room = spawnRoom(settings);
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        for (byte[] u : typedUpdates(11, 8)) {
            a.sendUpdate(room, u);
            a.nextUpdate();
        }
        // a snapshot every 2 updates (at 2, 4, 6, 8), each deleting the snapshots before the previous one and the
        // events that one covers: the snapshots at 6 and 8 and the events 7 and 8 remain
        awaitCondition(
                "old events deleted", () -> journal.persistedInStorage(pid).size() <= 4);
        awaitCondition(
                "events up to the older kept snapshot deleted",
                () -> journal.persistedInStorage(pid).size() == 2);
        awaitCondition(
                "two snapshots kept", () -> snapshots.persistedInStorage(pid).size() == 2);
        assertEquals(
                List.of(6L, 8L),
                snapshots.persistedInStorage(pid).stream()
                        .map(s -> s.first().sequenceNr())
                        .sorted()
                        .toList());
    }

    @Test
    void intervalSnapshotIsTakenWhenThereWereUpdates() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings().withSnapshotInterval(Duration.ofMillis(300)));
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        a.sendUpdate(room, U1);
        a.nextUpdate();
        awaitCondition(
                "interval snapshot", () -> snapshots.persistedInStorage(pid).size() == 1);
        assertTrue(journal.persistedInStorage(pid).stream().anyMatch(e -> e instanceof Room.SnapshotRequested));
        // taken at the marker: U1 is event 1, the SnapshotRequested marker event 2
        assertEquals(2L, snapshots.persistedInStorage(pid).get(0).first().sequenceNr());
        Room.Snapshot snap =
                (Room.Snapshot) snapshots.persistedInStorage(pid).get(0).second();
        assertEquals("hello", textOf(snap.encodedState()));
    }

    @Test
    void roomWithoutConnectionsPassivatesButASilentClientKeepsItAlive() {
        RoomSettings settings = fastSettings().withCleanupTimeout(Duration.ofMillis(300));
        ActorRef<Room.Command> room = spawnRoom(settings);
        FakeClient a = new FakeClient(kit, "a");
        a.join(room);
        a.expectNothing(Duration.ofMillis(1200));
        a.send(room, AwarenessProtocol.encodeQuery());
        assertInstanceOf(YMessage.Awareness.class, a.next(), "still alive with a silent client");

        room.tell(new Room.Leave("a"));
        kit.createTestProbe().expectTerminated(room, WAIT);

        newRoomId();
        ActorRef<Room.Command> neverJoined = spawnRoom(settings);
        kit.createTestProbe().expectTerminated(neverJoined, WAIT);
    }

    @Test
    void failedJournalWriteStopsTheRoomWithoutAcknowledgingAnything() {
        ActorRef<Room.Command> room = spawnRoom(fastSettings());
        FakeClient a = new FakeClient(kit, "a");
        FakeClient b = new FakeClient(kit, "b");
        a.join(room);
        b.join(room);
        journal.failNextPersisted(pid);
        a.sendUpdate(room, U1);
        kit.createTestProbe().expectTerminated(room, WAIT);
        a.expectNothing();
        b.expectNothing();

        ActorRef<Room.Command> again = spawnRoom(fastSettings());
        FakeClient c = new FakeClient(kit, "c");
        assertArrayEquals(new byte[] {0}, c.join(again).stateVector(), "nothing of the failed write survived");
    }

    @Test
    void lifecycleHooksAreEmitted() throws Exception {
        LinkedBlockingQueue<HookEvent> events = new LinkedBlockingQueue<>();
        Runnable unsubscribe = hooks.on(HookEvents.ANY, e -> {
            if (roomId.equals(e.roomId())) events.add(e);
        });
        try {
            ActorRef<Room.Command> room = spawnRoom(fastSettings().withCleanupTimeout(Duration.ofMillis(200)));
            FakeClient a = new FakeClient(kit, "a");
            a.join(room);
            room.tell(new Room.Leave("a"));
            kit.createTestProbe().expectTerminated(room, WAIT);
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HookEvent e = events.poll(10, TimeUnit.SECONDS);
                assertNotNull(e, "hook event " + i + " after " + names);
                names.add(e.event());
            }
            assertEquals(
                    List.of(
                            HookEvents.ROOM_CREATED,
                            HookEvents.CLIENT_CONNECTED,
                            HookEvents.CLIENT_DISCONNECTED,
                            HookEvents.ROOM_DESTROYED),
                    names);
        } finally {
            unsubscribe.run();
        }
    }
}
