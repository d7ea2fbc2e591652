package org.civicpress.realtime.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.civicpress.realtime.delivery.NodeRelay;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;

/** Shared helpers of the room tests: config, fake clients, a journal policy that holds writes. */
public final class RoomTestKit {
    public static final Duration WAIT = Duration.ofSeconds(10);
    public static final Duration QUIET = Duration.ofMillis(300);

    private RoomTestKit() {}

    /** In-memory journal and snapshot store; events are not serialized (the binary serializer lives in persistence). */
    public static Config config() {
        return ConfigFactory.parseString(
                        """
                        pekko.loglevel = WARNING
                        pekko.actor.testkit.typed.single-expect-default = 10s
                        pekko.persistence.testkit.events.serialize = off
                        pekko.persistence.testkit.snapshots.serialize = off
                        """)
                .withFallback(PersistenceTestKitPlugin.getInstance().config())
                .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config());
    }

    public static RoomSettings fastSettings() {
        return RoomSettings.defaults().withNodeName("test");
    }

    /**
     * A fake connection joining as ClientConnection does: {@code probe} stands in for what the connection
     * receives from the room (Joined, CloseWith), {@code socket} for its WebSocket (every frame), and the
     * node's real relay goes with the Join.
     */
    public static final class FakeClient {
        public final String id;
        public final TestProbe<Room.ToConnection> probe;
        public final TestProbe<SocketOut.Written> socket;
        final NodeRelay relay;

        public FakeClient(ActorTestKit kit, String id) {
            this.id = id;
            this.probe = kit.createTestProbe();
            this.socket = kit.createTestProbe();
            this.relay = NodeRelay.get(kit.system());
        }

        /** The Join ClientConnection sends, after registering its socket with the node's relay as it does. */
        public Room.Join joinCommand(String userId, boolean rejoin) {
            relay.register(id, SocketOut.toActor(socket.getRef()));
            return new Room.Join(id, probe.getRef(), userId, rejoin, relay.ref(), null);
        }

        /** Joins and checks the room's greeting: Joined, then its SyncStep1. */
        public YMessage.SyncStep1 join(ActorRef<Room.Command> room) {
            joinNoGreeting(room);
            return assertInstanceOf(YMessage.SyncStep1.class, next());
        }

        public Room.Joined joinNoGreeting(ActorRef<Room.Command> room) {
            room.tell(joinCommand("user-" + id, false));
            return probe.expectMessageClass(Room.Joined.class, WAIT);
        }

        public Room.CloseWith expectClose() {
            return probe.expectMessageClass(Room.CloseWith.class, WAIT);
        }

        public void send(ActorRef<Room.Command> room, byte[] frame) {
            room.tell(new Room.FromClient(id, frame));
        }

        public void sendUpdate(ActorRef<Room.Command> room, byte[] update) {
            send(room, SyncProtocol.encodeUpdate(update));
        }

        public YMessage next() {
            return MessageDecoder.decode(
                    socket.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
        }

        public byte[] nextUpdate() {
            return assertInstanceOf(YMessage.SyncUpdate.class, next()).update();
        }

        /** Neither a frame nor a message to the connection. */
        public void expectNothing() {
            expectNothing(QUIET);
        }

        public void expectNothing(Duration quiet) {
            socket.expectNoMessage(quiet);
            probe.expectNoMessage(Duration.ZERO);
        }
    }

    /** One journal batch as a connection "c" of user "u" would have sent it. */
    public static Room.UpdatesJournaled journaled(byte[]... updates) {
        List<Room.JournaledUpdate> batch = new ArrayList<>();
        for (byte[] u : updates) batch.add(new Room.JournaledUpdate(u, "u", "c", 1L));
        return new Room.UpdatesJournaled(batch);
    }

    /** Text "t" of a fresh doc after applying {@code updates}. */
    public static String textOf(byte[]... updates) {
        Doc doc = new Doc();
        for (byte[] u : updates) Y.applyUpdate(doc, u);
        return doc.getText("t").toString();
    }

    /** {@code n} single-character updates typed by one client, each depending on the previous. */
    static List<byte[]> typedUpdates(long clientId, int n) {
        Doc doc = new Doc(DocOptions.defaults().withClientId(clientId));
        List<byte[]> updates = new ArrayList<>();
        doc.onUpdate((u, origin, tr) -> updates.add(u));
        for (int i = 0; i < n; i++) doc.getText("t").insert(i, String.valueOf((char) ('a' + i % 26)));
        assertEquals(n, updates.size());
        return updates;
    }

    public static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Holds the first journal write until {@link #release()}: a slow database. */
    static final class HoldFirstWrite implements ProcessingPolicy<JournalOperation> {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicBoolean used = new AtomicBoolean();

        @Override
        public ProcessingResult tryProcess(String persistenceId, JournalOperation op) {
            if (op instanceof WriteEvents && used.compareAndSet(false, true)) {
                entered.countDown();
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ProcessingSuccess.getInstance();
        }

        void awaitWriteStarted() throws InterruptedException {
            if (!entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("no journal write");
        }

        void release() {
            released.countDown();
        }
    }
}
