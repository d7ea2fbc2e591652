package org.civicpress.realtime.persistence;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.delivery.NodeRelay;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.persistence.testing.PostgresTestServer;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room on the real JDBC journal and snapshot store (H2 file database and PostgreSQL) with the real
 * serializer bindings: updates are journaled and snapshotted, and a new incarnation recovers them.
 */
class RoomJdbcTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HexFormat HEX = HexFormat.of();
    /** Yjs 13.6.33: client 1 types "hello", " world", deletes "h"; client 2 types "X" (see core's YjsFixtures). */
    private static final List<byte[]> UPDATES = List.of(
            HEX.parseHex("01010100040101740568656c6c6f00"),
            HEX.parseHex("010101058401040620776f726c6400"),
            HEX.parseHex("000101010001"),
            HEX.parseHex("0101020004010174015800"));

    @Test
    void roomJournalsSnapshotsAndRecoversOnH2(@TempDir Path dataDir) throws Exception {
        roomJournalsSnapshotsAndRecovers(DatabaseSettings.h2In(dataDir), "\"");
    }

    @Test
    void roomJournalsSnapshotsAndRecoversOnPostgres() throws Exception {
        try (PostgresTestServer postgres = PostgresTestServer.start()) {
            roomJournalsSnapshotsAndRecovers(postgres.settings(), "");
        }
    }

    /**
     * Retention whatever triggered the snapshot: after a group commit of several updates (a sequence number that
     * is no multiple of max_updates), the interval and the final snapshot, each snapshot deletes the snapshots
     * before the previous one and the events that one covers: two snapshots and the events after the older remain.
     */
    @Test
    void everySnapshotDeletesWhatItCoversOnH2(@TempDir Path dataDir) throws Exception {
        DatabaseSettings db = DatabaseSettings.h2In(dataDir);
        String q = "\"";
        SchemaCreator.ensureSchema(db);
        ActorTestKit kit = ActorTestKit.create("RoomJdbcRetentionTest", pekkoConfig(db));
        try {
            RoomSettings settings = RoomSettings.defaults()
                    .withSnapshotEveryUpdates(3)
                    .withSnapshotInterval(Duration.ofMillis(1500))
                    .withCleanupTimeout(Duration.ofMillis(300));
            ActorRef<Room.Command> room =
                    kit.spawn(Room.create("retained", settings, RoomServices.defaults(HookSystem.inProcess()), null));
            TestProbe<SocketOut.Written> client = join(kit, room, "c1");
            next(client);
            // a burst: the first update is written alone, the next two arrive during that write (one event)
            room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(UPDATES.get(0))));
            room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(UPDATES.get(1))));
            room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(UPDATES.get(2))));
            next(client);
            next(client);
            long afterBurst = max(db, q, "event_journal", "sequence_number");
            assertTrue(afterBurst <= 3, "the three updates took " + afterBurst + " events");
            awaitRows(db, q, "snapshot", 1);
            assertEquals(afterBurst, max(db, q, "snapshot", "sequence_number"), "snapshot after the batch");
            awaitRows(db, q, "event_journal", afterBurst); // the first snapshot: nothing to delete yet

            // one more update, snapshotted by the interval (marker event), then one more, snapshotted on stop
            room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(UPDATES.get(3))));
            next(client);
            awaitCondition("interval snapshot", () -> max(db, q, "snapshot", "sequence_number") == afterBurst + 2);
            awaitRows(db, q, "event_journal", 2); // update 4 and the marker; the batch's events are gone
            assertEquals(2, count(db, q, "snapshot", "1 = 1"));
            byte[] fifth = typedOnTop(UPDATES);
            room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(fifth)));
            next(client);
            room.tell(new Room.Leave("c1"));
            kit.createTestProbe().expectTerminated(room, WAIT);
            // final snapshot at afterBurst + 4 (update, marker): it deleted the update-count snapshot
            awaitRows(db, q, "snapshot", 2);
            assertEquals(afterBurst + 4, max(db, q, "snapshot", "sequence_number"));
            awaitCondition(
                    "the update-count snapshot deleted",
                    () -> query(db, "SELECT MIN(" + q + "sequence_number" + q + ") FROM " + q + "snapshot" + q)
                            == afterBurst + 2);
            awaitCondition(
                    "update 4 and its marker deleted",
                    () -> query(
                                    db,
                                    "SELECT MIN(" + q + "sequence_number" + q + ") FROM " + q + "event_journal" + q
                                            + " WHERE NOT " + q + "deleted" + q)
                            == afterBurst + 3);
            awaitRows(db, q, "event_journal", 2); // update 5 and the final marker
            assertEquals(
                    afterBurst + 3,
                    query(
                            db,
                            "SELECT MIN(" + q + "sequence_number" + q + ") FROM " + q + "event_journal" + q
                                    + " WHERE NOT " + q + "deleted" + q));
            assertEquals(afterBurst + 4, max(db, q, "event_journal", "sequence_number"));

            ActorRef<Room.Command> again =
                    kit.spawn(Room.create("retained", settings, RoomServices.defaults(HookSystem.inProcess()), null));
            TestProbe<SocketOut.Written> other = join(kit, again, "c2");
            next(other);
            again.tell(new Room.FromClient("c2", SyncProtocol.encodeSyncStep1(new byte[] {0})));
            Doc doc = new Doc();
            Y.applyUpdate(
                    doc, assertInstanceOf(YMessage.SyncStep2.class, next(other)).update());
            assertEquals("ello worldXY", doc.getText("t").toString(), "recovered from the newest snapshot");
        } finally {
            ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
        }
    }

    /** Who did what: the events as the journal holds them name each update's user, connection and arrival. */
    @Test
    void journaledUpdatesNameTheirSenderOnH2(@TempDir Path dataDir) throws Exception {
        DatabaseSettings db = DatabaseSettings.h2In(dataDir);
        SchemaCreator.ensureSchema(db);
        ActorTestKit kit = ActorTestKit.create("RoomJdbcSenderTest", pekkoConfig(db));
        try {
            ActorRef<Room.Command> room = kit.spawn(Room.create(
                    "senders", RoomSettings.defaults(), RoomServices.defaults(HookSystem.inProcess()), null));
            TestProbe<SocketOut.Written> client = join(kit, room, "c1");
            next(client);
            long before = System.currentTimeMillis();
            room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(UPDATES.get(0))));
            next(client);
            try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                    Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery("SELECT \"event_ser_manifest\", \"event_payload\" FROM \"event_journal\""
                                    + " WHERE \"persistence_id\" = 'room|senders'")) {
                assertTrue(rs.next());
                assertEquals("U2", rs.getString(1));
                var event = (Room.UpdatesJournaled) new RoomEventSerializer(null).fromBinary(rs.getBytes(2), "U2");
                Room.JournaledUpdate update = event.updates().get(0);
                assertArrayEquals(UPDATES.get(0), update.update());
                assertEquals("user-c1", update.userId());
                assertEquals("c1", update.connectionId());
                assertTrue(
                        update.receivedAtMillis() >= before && update.receivedAtMillis() <= System.currentTimeMillis());
            }
        } finally {
            ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
        }
    }

    /** Client 2 types "Y" after its "X" (the fourth fixture update). */
    private static byte[] typedOnTop(List<byte[]> updates) {
        Doc doc = new Doc(org.civicpress.ycrdt.utils.DocOptions.defaults().withClientId(2));
        for (byte[] u : updates) Y.applyUpdate(doc, u);
        List<byte[]> out = new java.util.ArrayList<>();
        doc.onUpdate((u, origin, tr) -> out.add(u));
        doc.getText("t").insert(doc.getText("t").length(), "Y");
        return out.get(0);
    }

    private static void awaitRows(DatabaseSettings db, String q, String table, long rows) {
        // events: rows not marked deleted (the journal keeps the highest deleted row); snapshots: all rows
        String where = table.equals("event_journal") ? "NOT " + q + "deleted" + q : "1 = 1";
        awaitCondition(table + " rows = " + rows, () -> count(db, q, table, where) == rows);
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitCondition(String what, Check check) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (!check.holds()) {
                if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
                Thread.sleep(50);
            }
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void roomJournalsSnapshotsAndRecovers(DatabaseSettings db, String quote) throws Exception {
        SchemaCreator.ensureSchema(db);
        ActorTestKit kit = ActorTestKit.create("RoomJdbcTest", pekkoConfig(db));
        try {
            RoomSettings settings =
                    RoomSettings.defaults().withSnapshotEveryUpdates(3).withCleanupTimeout(Duration.ofMillis(300));
            HookSystem hooks = HookSystem.inProcess();
            ActorRef<Room.Command> room =
                    kit.spawn(Room.create("jdbc-doc", settings, RoomServices.defaults(hooks), null));
            TestProbe<SocketOut.Written> client = join(kit, room, "c1");
            assertInstanceOf(YMessage.SyncStep1.class, next(client));
            for (byte[] update : UPDATES) {
                room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(update)));
                assertArrayEquals(
                        update,
                        assertInstanceOf(YMessage.SyncUpdate.class, next(client))
                                .update());
            }
            room.tell(new Room.Leave("c1"));
            kit.createTestProbe().expectTerminated(room, WAIT);

            // 4 update events + the marker of the final snapshot the stopping room takes (update 4 was not
            // snapshotted):
            // the final snapshot at 5 deleted the events up to the previous snapshot at 3 (the journal keeps the
            // highest deleted row, marked deleted, so that sequence numbers never restart)
            awaitRows(db, quote, "event_journal", 2); // deletes run after the snapshot, maybe after the stop
            assertEquals(5, max(db, quote, "event_journal", "sequence_number"));
            awaitRows(db, quote, "snapshot", 2); // the snapshot after 3 updates and the final one

            ActorRef<Room.Command> again =
                    kit.spawn(Room.create("jdbc-doc", settings, RoomServices.defaults(hooks), null));
            TestProbe<SocketOut.Written> other = join(kit, again, "c2");
            next(other);
            again.tell(new Room.FromClient("c2", SyncProtocol.encodeSyncStep1(new byte[] {0})));
            YMessage.SyncStep2 state = assertInstanceOf(YMessage.SyncStep2.class, next(other));
            Doc doc = new Doc();
            Y.applyUpdate(doc, state.update());
            assertEquals("ello worldX", doc.getText("t").toString());
        } finally {
            ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
        }
    }

    /** Joins as ClientConnection does (its socket, this node's relay); returns the socket probe. */
    static TestProbe<SocketOut.Written> join(ActorTestKit kit, ActorRef<Room.Command> room, String connectionId) {
        TestProbe<Room.ToConnection> connection = kit.createTestProbe();
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        NodeRelay relay = NodeRelay.get(kit.system());
        relay.register(connectionId, SocketOut.toActor(socket.getRef()));
        room.tell(new Room.Join(connectionId, connection.getRef(), "user-" + connectionId, false, relay.ref(), null));
        connection.expectMessageClass(Room.Joined.class, WAIT);
        return socket;
    }

    static YMessage next(TestProbe<SocketOut.Written> socket) {
        return MessageDecoder.decode(
                socket.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
    }

    /** Same layering as PersistenceConfig, read from the cluster-config sources. */
    static Config pekkoConfig(DatabaseSettings db) {
        return ConfigFactory.parseMap(Map.of(
                        "realtime.db.url", db.url(),
                        "realtime.db.user", db.user(),
                        "realtime.db.password", db.password(),
                        "pekko.loglevel", "WARNING"))
                .withFallback(clusterConfig(db.kind().hoconResource()))
                .withFallback(clusterConfig("persistence.conf"))
                .withFallback(clusterConfig("serialization.conf"))
                .withFallback(ConfigFactory.load())
                .resolve();
    }

    private static Config clusterConfig(String name) {
        File file = new File("../cluster-config/src/main/resources/" + name);
        assertTrue(file.isFile(), "missing " + file.getAbsolutePath());
        return ConfigFactory.parseFile(file);
    }

    private static long count(DatabaseSettings db, String quote, String table, String where) throws Exception {
        return query(db, "SELECT COUNT(*) FROM " + quote + table + quote + " WHERE " + where);
    }

    private static long max(DatabaseSettings db, String quote, String table, String column) throws Exception {
        return query(db, "SELECT MAX(" + quote + column + quote + ") FROM " + quote + table + quote);
    }

    private static long query(DatabaseSettings db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
