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
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.persistence.testing.PostgresTestServer;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.Room;
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

    private void roomJournalsSnapshotsAndRecovers(DatabaseSettings db, String quote) throws Exception {
        SchemaCreator.ensureSchema(db);
        ActorTestKit kit = ActorTestKit.create("RoomJdbcTest", pekkoConfig(db));
        try {
            RoomSettings settings = RoomSettings.defaults().withSnapshotEveryUpdates(3)
                    .withPassivateAfterIdle(Duration.ofMillis(300));
            HookSystem hooks = HookSystem.inProcess();
            ActorRef<Room.Command> room = kit.spawn(Room.create("jdbc-doc", settings, hooks, null));
            TestProbe<ClientConnection.Command> client = kit.createTestProbe();
            room.tell(new Room.Join("c1", client.getRef(), null));
            client.expectMessageClass(ClientConnection.Joined.class, WAIT);
            assertInstanceOf(YMessage.SyncStep1.class, next(client));
            for (byte[] update : UPDATES) {
                room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(update)));
                assertArrayEquals(update, assertInstanceOf(YMessage.SyncUpdate.class, next(client)).update());
            }
            room.tell(new Room.Leave("c1"));
            kit.createTestProbe().expectTerminated(room, WAIT);

            // 4 update events + the marker of the final snapshot the stopping room takes (update 4 was not snapshotted).
            assertEquals(5, count(db, quote, "event_journal"));
            assertTrue(count(db, quote, "snapshot") >= 1, "a snapshot after 3 updates");

            ActorRef<Room.Command> again = kit.spawn(Room.create("jdbc-doc", settings, hooks, null));
            TestProbe<ClientConnection.Command> other = kit.createTestProbe();
            again.tell(new Room.Join("c2", other.getRef(), null));
            other.expectMessageClass(ClientConnection.Joined.class, WAIT);
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

    private static YMessage next(TestProbe<ClientConnection.Command> probe) {
        return MessageDecoder.decode(probe.expectMessageClass(ClientConnection.Send.class, WAIT).message());
    }

    /** Same layering as PersistenceConfig, read from the cluster-config sources. */
    private static Config pekkoConfig(DatabaseSettings db) {
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

    private static long count(DatabaseSettings db, String quote, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + quote + table + quote)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
