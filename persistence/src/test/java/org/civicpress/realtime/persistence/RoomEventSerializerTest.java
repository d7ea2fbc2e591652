package org.civicpress.realtime.persistence;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.NotSerializableException;
import java.util.HexFormat;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.civicpress.realtime.delivery.NodeRelay;
import org.civicpress.realtime.room.Room;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoomEventSerializerTest {
    private static ActorTestKit kit;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        // the real binding file of the cluster-config module
        File bindings = new File("../cluster-config/src/main/resources/serialization.conf");
        assertTrue(bindings.isFile(), "missing " + bindings.getAbsolutePath());
        kit = ActorTestKit.create(
                "RoomEventSerializerTest",
                ConfigFactory.parseFile(bindings).withFallback(ConfigFactory.parseString("pekko.loglevel = WARNING")));
        serialization = SerializationExtension.get(kit.system().classicSystem());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static Object roundTrip(Object o) throws NotSerializableException {
        var serializer = serialization.findSerializerFor(o);
        byte[] bytes = serialization.serialize(o).get();
        return serialization
                .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o))
                .get();
    }

    @Test
    void eventsAndSnapshotsUseTheBinarySerializer() throws Exception {
        byte[] u1 = HexFormat.of().parseHex("01010100040101740568656c6c6f00");
        byte[] empty = new byte[0];
        var event = new Room.UpdatesJournaled(List.of(
                new Room.JournaledUpdate(u1, "alice", "conn-1", 1_765_000_000_123L),
                new Room.JournaledUpdate(empty, null, "conn-2", 0),
                new Room.JournaledUpdate(new byte[300], "bob \u00e9", Room.API_CONNECTION_ID, Long.MAX_VALUE)));
        assertEquals(
                RoomEventSerializer.IDENTIFIER,
                serialization.findSerializerFor(event).identifier());
        assertEquals("U2", Serializers.manifestFor(serialization.findSerializerFor(event), event));
        var back = (Room.UpdatesJournaled) roundTrip(event);
        assertEquals(3, back.updates().size());
        assertArrayEquals(u1, back.updates().get(0).update());
        assertEquals("alice", back.updates().get(0).userId());
        assertEquals("conn-1", back.updates().get(0).connectionId());
        assertEquals(1_765_000_000_123L, back.updates().get(0).receivedAtMillis());
        assertArrayEquals(empty, back.updates().get(1).update());
        assertNull(back.updates().get(1).userId(), "anonymous");
        assertEquals("conn-2", back.updates().get(1).connectionId());
        assertEquals(0, back.updates().get(1).receivedAtMillis());
        assertArrayEquals(new byte[300], back.updates().get(2).update());
        assertEquals("bob \u00e9", back.updates().get(2).userId());
        assertEquals(Room.API_CONNECTION_ID, back.updates().get(2).connectionId());
        assertEquals(Long.MAX_VALUE, back.updates().get(2).receivedAtMillis());

        // compact: count + per update a length varint, the bytes, two short strings and a time varint
        byte[] bytes = serialization
                .serialize(new Room.UpdatesJournaled(List.of(new Room.JournaledUpdate(u1, null, "c", 1))))
                .get();
        assertEquals(2 + u1.length + 1 + 3 + 1, bytes.length);

        assertInstanceOf(Room.SnapshotRequested.class, roundTrip(new Room.SnapshotRequested()));
        var snapshot = new Room.Snapshot(u1);
        assertEquals(
                RoomEventSerializer.IDENTIFIER,
                serialization.findSerializerFor(snapshot).identifier());
        assertArrayEquals(u1, ((Room.Snapshot) roundTrip(snapshot)).encodedState());
    }

    /** Journals written before updates recorded their sender (format U1) still recover. */
    @Test
    void eventsOfTheFirstFormatAreStillRead() throws Exception {
        // U1 as the previous version wrote it: 2 updates, "hello" by client 1 (15 bytes), then an empty one
        byte[] written = HexFormat.of().parseHex("020f01010100040101740568656c6c6f0000");
        var event = (Room.UpdatesJournaled) serialization
                .deserialize(written, RoomEventSerializer.IDENTIFIER, "U1")
                .get();
        assertEquals(2, event.updates().size());
        assertArrayEquals(
                HexFormat.of().parseHex("01010100040101740568656c6c6f00"),
                event.updates().get(0).update());
        assertEquals(0, event.updates().get(1).update().length);
        for (Room.JournaledUpdate u : event.updates()) {
            assertNull(u.userId(), "unknown before format U2");
            assertNull(u.connectionId());
            assertEquals(0, u.receivedAtMillis());
        }
    }

    @Test
    void corruptDataIsATypedError() {
        var serializer = new RoomEventSerializer(null);
        for (String bad : List.of("", "02", "0105aa", "01", "ffffffffff0f", "010100ff")) {
            assertThrows(
                    NotSerializableException.class,
                    () -> serializer.fromBinary(HexFormat.of().parseHex(bad), "U1"),
                    bad);
        }
        // U2: a valid update then a missing, a bad, a truncated sender string, a missing or overlong time
        for (String bad : List.of(
                "",
                "0100",
                "010002",
                "01000105",
                "01000000",
                "010000006300",
                "010000000180",
                "01000000ffffffffffffffffffff01",
                "010000000100")) {
            assertThrows(
                    NotSerializableException.class,
                    () -> serializer.fromBinary(HexFormat.of().parseHex(bad), "U2"),
                    bad);
        }
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[0], "X9"));
        assertThrows(IllegalArgumentException.class, () -> serializer.manifest("not an event"));
    }

    @Test
    void crossNodeMessagesUseJacksonCbor() throws Exception {
        TestProbe<Room.ToConnection> connection = kit.createTestProbe();
        TestProbe<NodeRelay.Command> relay = kit.createTestProbe();
        var join = new Room.Join("c1", connection.getRef(), "user", true, relay.getRef(), "corr-1");
        assertTrue(serialization.findSerializerFor(join).getClass().getName().contains("Jackson"));
        var joinBack = (Room.Join) roundTrip(join);
        assertEquals(join, joinBack);

        var fromClient = (Room.FromClient) roundTrip(new Room.FromClient("c1", new byte[] {0, 1, 2}));
        assertArrayEquals(new byte[] {0, 1, 2}, fromClient.message());
        var deliver = (NodeRelay.Deliver) roundTrip(new NodeRelay.Deliver(new byte[] {9}, List.of("c1", "c2")));
        assertArrayEquals(new byte[] {9}, deliver.frame());
        assertEquals(List.of("c1", "c2"), deliver.connectionIds());
        assertEquals(new Room.CloseWith(4400, "bad"), roundTrip(new Room.CloseWith(4400, "bad")));
        TestProbe<Room.Command> incarnation = kit.createTestProbe();
        assertEquals(new Room.Joined(incarnation.getRef()), roundTrip(new Room.Joined(incarnation.getRef())));
        assertEquals(new Room.Leave("c1"), roundTrip(new Room.Leave("c1")));

        // the admin questions and answers cross nodes too
        TestProbe<Room.Inspection> inspector = kit.createTestProbe();
        assertEquals(new Room.Inspect(inspector.getRef()), roundTrip(new Room.Inspect(inspector.getRef())));
        var inspection = (Room.Inspection) roundTrip(new Room.Inspection(
                "r", "document", List.of(new Room.MemberInfo("c1", null)), 7, 2, 5, new byte[] {0, 0}));
        assertEquals(List.of(new Room.MemberInfo("c1", null)), inspection.members());
        assertArrayEquals(new byte[] {0, 0}, inspection.encodedState());
        assertEquals(7, inspection.sequenceNr());
        TestProbe<Room.Closed> closer = kit.createTestProbe();
        assertEquals(
                new Room.Close(1012, "bye", closer.getRef()), roundTrip(new Room.Close(1012, "bye", closer.getRef())));
        assertEquals(new Room.Closed(3), roundTrip(new Room.Closed(3)));
    }
}
