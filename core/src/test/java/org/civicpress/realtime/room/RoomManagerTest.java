package org.civicpress.realtime.room;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.YMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin view of rooms behind real cluster sharding on a one-node cluster, with real connections. */
class RoomManagerTest {
    private static ActorTestKit kit;
    private static final HookSystem hooks = HookSystem.inProcess();
    private static final RoomSettings settings = fastSettings();
    private static RoomManager manager;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(
                "RoomManagerTest",
                ConfigFactory.parseString(
                                """
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                """)
                        .withFallback(config()));
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        awaitCondition("node up", () -> cluster.selfMember().status() == MemberStatus.up());
        Room.init(kit.system(), settings, RoomServices.defaults(hooks));
        manager = new RoomManager(kit.system(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(60), false);
    }

    @Test
    void listsInspectsAndClosesARoom() throws Exception {
        LinkedBlockingQueue<HookEvent> destroyed = new LinkedBlockingQueue<>();
        Runnable unsubscribe = hooks.on(HookEvents.ROOM_DESTROYED, e -> {
            if ("managed-1".equals(e.roomId())) destroyed.add(e);
        });
        try {
            TestProbe<SocketOut.Written> socket = kit.createTestProbe();
            ActorRef<ClientConnection.Command> conn = kit.spawn(ClientConnection.create(
                    new ClientConnection.Identity("managed-1", "c1", "127.0.0.1", "alice", RoomAccess.WRITE, null),
                    SocketOut.toActor(socket.getRef()),
                    settings,
                    null));
            TestProbe<SocketOut.Written> anonymousSocket = kit.createTestProbe();
            ActorRef<ClientConnection.Command> anonymous = kit.spawn(ClientConnection.create(
                    new ClientConnection.Identity("managed-1", "c2", "127.0.0.1", null, RoomAccess.WRITE, null),
                    SocketOut.toActor(anonymousSocket.getRef()),
                    settings,
                    null));
            assertInstanceOf(YMessage.SyncStep1.class, next(socket));
            assertInstanceOf(YMessage.SyncStep1.class, next(anonymousSocket));
            conn.tell(new ClientConnection.FromSocket(FRAME_UPDATE_U1));
            assertArrayEquals(
                    U1,
                    assertInstanceOf(YMessage.SyncUpdate.class, next(socket)).update());
            assertArrayEquals(
                    U1,
                    assertInstanceOf(YMessage.SyncUpdate.class, next(anonymousSocket))
                            .update());

            RoomManager.NodeRooms local = join(manager.roomsOnThisNode());
            assertEquals(List.of("managed-1"), local.roomIds());
            assertEquals(kit.system().address().toString(), local.node());
            assertTrue(local.failedShards().isEmpty());

            RoomManager.ClusterRooms cluster = join(manager.roomsInCluster());
            assertEquals(1, cluster.total());
            assertEquals(java.util.Map.of(kit.system().address().toString(), 1), cluster.roomsPerNode());
            java.util.Map<String, Integer> shards =
                    cluster.shardsPerNode().get(kit.system().address().toString());
            assertEquals(1, shards.size(), "one shard holds the room: " + shards);
            assertEquals(1, shards.values().iterator().next());

            RoomManager.RoomDetails details = join(manager.inspect("managed-1"));
            assertEquals("managed-1", details.roomId());
            assertEquals("document", details.roomType());
            assertEquals(
                    java.util.Set.of(new Room.MemberInfo("c1", "alice"), new Room.MemberInfo("c2", null)),
                    new java.util.HashSet<>(details.members()),
                    "joined in either order");
            assertEquals(2, details.members().size());
            assertEquals(1, details.sequenceNr(), "one journaled event");
            assertEquals(1, details.updatesSinceSnapshot());
            assertEquals(0, details.lastSnapshotSequenceNr(), "no snapshot yet");
            assertTrue(details.documentJson().contains("hello"), details.documentJson());

            CompletionException wrongCode = assertThrows(
                    CompletionException.class,
                    () -> join(manager.close("managed-1", CloseCodes.INVALID_MESSAGE, "no")));
            assertInstanceOf(IllegalArgumentException.class, wrongCode.getCause());

            RoomManager.ClosedRoom closed = join(manager.close("managed-1", CloseCodes.SERVICE_RESTART, "maintenance"));
            assertEquals(new RoomManager.ClosedRoom("managed-1", 2), closed);
            for (TestProbe<SocketOut.Written> s : List.of(socket, anonymousSocket)) {
                SocketOut.CloseSocket close = s.expectMessageClass(SocketOut.CloseSocket.class, WAIT);
                assertEquals(1012, close.code());
                assertEquals("maintenance", close.reason());
            }
            kit.createTestProbe().expectTerminated(conn, WAIT);
            kit.createTestProbe().expectTerminated(anonymous, WAIT);
            assertNotNull(destroyed.poll(10, TimeUnit.SECONDS), "the closed room passivated");
            awaitCondition(
                    "room gone from the listing",
                    () -> join(manager.roomsOnThisNode()).roomIds().isEmpty());

            // inspecting starts the room again: it recovers the journal (the final snapshot at seqNr 2)
            RoomManager.RoomDetails recovered = join(manager.inspect("managed-1"));
            assertEquals(List.of(), recovered.members());
            assertEquals(2, recovered.sequenceNr(), "the update and the final snapshot's marker");
            assertEquals(2, recovered.lastSnapshotSequenceNr());
            assertEquals(0, recovered.updatesSinceSnapshot());
            assertEquals(details.documentJson(), recovered.documentJson());
        } finally {
            unsubscribe.run();
        }
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    private static YMessage next(TestProbe<SocketOut.Written> socket) {
        return MessageDecoder.decode(
                socket.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
    }
}
