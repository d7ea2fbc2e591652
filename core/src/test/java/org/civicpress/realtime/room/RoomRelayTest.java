package org.civicpress.realtime.room;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.delivery.NodeRelay;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connections whose socket is on another node are reached through their node's {@link NodeRelay}: one
 * message per node and broadcast, naming the receivers, and every frame for such a connection goes that way.
 */
class RoomRelayTest {
    private static ActorTestKit kit;
    private static final HookSystem hooks = HookSystem.inProcess();

    @BeforeAll
    static void start() {
        // a remote-capable node, so that a socket ref of another node can be named (never sent to)
        kit = ActorTestKit.create(
                "RoomRelayTest",
                ConfigFactory.parseString(
                                """
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                """)
                        .withFallback(config()));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /**
     * A connection on another node, joining as it does in production: its Join carries its socket (a ref on
     * that node) and the relay of that node (here a probe standing in for it).
     */
    private static void joinRemote(
            ActorRef<Room.Command> room,
            String id,
            TestProbe<Room.ToConnection> conn,
            TestProbe<NodeRelay.Command> relay) {
        room.tell(new Room.Join(id, conn.getRef(), null, false, relay.getRef(), null));
        conn.expectMessageClass(Room.Joined.class, WAIT);
    }

    private static NodeRelay.Deliver nextDelivery(TestProbe<NodeRelay.Command> relay) {
        return relay.expectMessageClass(NodeRelay.Deliver.class, WAIT);
    }

    @Test
    void aBroadcastIsOneMessagePerNodeAndDirectFramesGoThroughTheRelayToo() {
        ActorRef<Room.Command> room =
                kit.spawn(Room.create("relay-1", fastSettings(), RoomServices.defaults(hooks), null));
        TestProbe<NodeRelay.Command> nodeB = kit.createTestProbe();
        TestProbe<NodeRelay.Command> nodeC = kit.createTestProbe();
        TestProbe<Room.ToConnection> b1 = kit.createTestProbe();
        TestProbe<Room.ToConnection> b2 = kit.createTestProbe();
        TestProbe<Room.ToConnection> c1 = kit.createTestProbe();

        joinRemote(room, "b1", b1, nodeB);
        NodeRelay.Deliver greeting = nextDelivery(nodeB);
        assertEquals(List.of("b1"), greeting.connectionIds());
        assertInstanceOf(YMessage.SyncStep1.class, MessageDecoder.decode(greeting.frame()));
        joinRemote(room, "b2", b2, nodeB);
        assertEquals(List.of("b2"), nextDelivery(nodeB).connectionIds());
        joinRemote(room, "c1", c1, nodeC);
        assertEquals(List.of("c1"), nextDelivery(nodeC).connectionIds());

        // A local writer: its echo goes to its own probe, the broadcast once to each other node.
        FakeClient writer = new FakeClient(kit, "w");
        writer.join(room);
        writer.sendUpdate(room, U1);
        assertInstanceOf(YMessage.SyncUpdate.class, writer.next());
        NodeRelay.Deliver toB = nextDelivery(nodeB);
        assertEquals(Set.of("b1", "b2"), new HashSet<>(toB.connectionIds()));
        assertEquals(2, toB.connectionIds().size());
        assertEquals("hello", textOf(((YMessage.SyncUpdate) MessageDecoder.decode(toB.frame())).update()));
        assertEquals(List.of("c1"), nextDelivery(nodeC).connectionIds());
        nodeB.expectNoMessage(QUIET);
        nodeC.expectNoMessage(QUIET);
        // Nothing bypasses the relay (order per client): the connection actors only got Joined.
        b1.expectNoMessage(QUIET);
        c1.expectNoMessage(QUIET);

        // An answer to one client (its SyncStep1) goes through its relay, named alone.
        room.tell(new Room.FromClient("c1", SyncProtocol.encodeSyncStep1(new byte[] {0})));
        NodeRelay.Deliver answer = nextDelivery(nodeC);
        assertEquals(List.of("c1"), answer.connectionIds());
        assertInstanceOf(YMessage.SyncStep2.class, MessageDecoder.decode(answer.frame()));

        // A remote writer's echo is part of the broadcast: still one message to its node, naming it too.
        room.tell(new Room.FromClient("b1", SyncProtocol.encodeUpdate(U2)));
        assertEquals(Set.of("b1", "b2"), new HashSet<>(nextDelivery(nodeB).connectionIds()));
        assertEquals(List.of("c1"), nextDelivery(nodeC).connectionIds());
        nodeB.expectNoMessage(QUIET);
        assertInstanceOf(YMessage.SyncUpdate.class, writer.next());
    }

    @Test
    void theRelayWritesToRegisteredSocketsOnly() {
        NodeRelay relay = NodeRelay.get(kit.system());
        assertSame(relay, NodeRelay.get(kit.system()), "one relay per node");
        TestProbe<SocketOut.Written> one = kit.createTestProbe();
        TestProbe<SocketOut.Written> two = kit.createTestProbe();
        relay.register("one", SocketOut.toActor(one.getRef()));
        relay.register("two", SocketOut.toActor(two.getRef()));

        relay.ref().tell(new NodeRelay.Deliver(new byte[] {1}, List.of("one", "two", "unknown")));
        assertArrayEquals(
                new byte[] {1},
                one.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
        assertArrayEquals(
                new byte[] {1},
                two.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());

        relay.unregister("one");
        relay.ref().tell(new NodeRelay.Deliver(new byte[] {2}, List.of("one", "two")));
        assertArrayEquals(
                new byte[] {2},
                two.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
        one.expectNoMessage(QUIET);
    }
}
