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
import org.civicpress.realtime.connection.ClientConnection;
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
        kit = ActorTestKit.create("RoomEventSerializerTest",
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
        return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o)).get();
    }

    @Test
    void eventsAndSnapshotsUseTheBinarySerializer() throws Exception {
        byte[] u1 = HexFormat.of().parseHex("01010100040101740568656c6c6f00");
        byte[] empty = new byte[0];
        var event = new Room.UpdatesJournaled(List.of(u1, empty, new byte[300]));
        assertEquals(RoomEventSerializer.IDENTIFIER, serialization.findSerializerFor(event).identifier());
        var back = (Room.UpdatesJournaled) roundTrip(event);
        assertEquals(3, back.updates().size());
        assertArrayEquals(u1, back.updates().get(0));
        assertArrayEquals(empty, back.updates().get(1));
        assertArrayEquals(new byte[300], back.updates().get(2));

        // compact: count + per update a length varint, nothing else
        byte[] bytes = serialization.serialize(new Room.UpdatesJournaled(List.of(u1))).get();
        assertEquals(2 + u1.length, bytes.length);

        assertInstanceOf(Room.SnapshotRequested.class, roundTrip(new Room.SnapshotRequested()));
        var snapshot = new Room.Snapshot(u1);
        assertEquals(RoomEventSerializer.IDENTIFIER, serialization.findSerializerFor(snapshot).identifier());
        assertArrayEquals(u1, ((Room.Snapshot) roundTrip(snapshot)).encodedState());
    }

    @Test
    void corruptDataIsATypedError() {
        var serializer = new RoomEventSerializer(null);
        for (String bad : List.of("", "02", "0105aa", "01", "ffffffffff0f", "010100ff")) {
            assertThrows(NotSerializableException.class,
                    () -> serializer.fromBinary(HexFormat.of().parseHex(bad), "U1"), bad);
        }
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[0], "X9"));
        assertThrows(IllegalArgumentException.class, () -> serializer.manifest("not an event"));
    }

    @Test
    void crossNodeMessagesUseJacksonCbor() throws Exception {
        TestProbe<ClientConnection.Command> probe = kit.createTestProbe();
        var join = new Room.Join("c1", probe.getRef(), "user");
        assertTrue(serialization.findSerializerFor(join).getClass().getName().contains("Jackson"));
        var joinBack = (Room.Join) roundTrip(join);
        assertEquals(join, joinBack);

        var fromClient = (Room.FromClient) roundTrip(new Room.FromClient("c1", new byte[] {0, 1, 2}));
        assertArrayEquals(new byte[] {0, 1, 2}, fromClient.message());
        var send = (ClientConnection.Send) roundTrip(new ClientConnection.Send(new byte[] {9}));
        assertArrayEquals(new byte[] {9}, send.message());
        assertEquals(new ClientConnection.CloseWith(4400, "bad"), roundTrip(new ClientConnection.CloseWith(4400, "bad")));
        assertEquals(new Room.Leave("c1"), roundTrip(new Room.Leave("c1")));
    }
}
