package org.civicpress.realtime.room;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
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
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.YMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rooms behind real cluster sharding on a one-node cluster, reached by connections through sharding. */
class ShardedRoomTest {
    private static ActorTestKit kit;
    private static final HookSystem hooks = HookSystem.inProcess();
    private static final RoomSettings settings = fastSettings().withCleanupTimeout(Duration.ofMillis(500));

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(
                "ShardedRoomTest",
                ConfigFactory.parseString(
                                """
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                # sharding's own idle passivation made aggressive: Room.init must switch it off for rooms
                pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout = 300ms
                """)
                        .withFallback(config()));
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        awaitCondition("node up", () -> cluster.selfMember().status() == MemberStatus.up());
        Room.init(kit.system(), settings, RoomServices.defaults(hooks));
    }

    @AfterAll
    static void stop() {
        // sharding hands rooms off during coordinated shutdown, which may outlast the default 10 s on a busy machine
        ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(60), false);
    }

    @Test
    void connectionReachesItsRoomThroughShardingAndAnIdleRoomPassivates() throws Exception {
        LinkedBlockingQueue<HookEvent> destroyed = new LinkedBlockingQueue<>();
        Runnable unsubscribe = hooks.on(HookEvents.ROOM_DESTROYED, e -> {
            if ("sharded-1".equals(e.roomId())) destroyed.add(e);
        });
        try {
            TestProbe<SocketOut.Written> socket = kit.createTestProbe();
            ActorRef<ClientConnection.Command> conn = kit.spawn(ClientConnection.create(
                    new ClientConnection.Identity("sharded-1", "c1", "127.0.0.1", null, RoomAccess.WRITE, null),
                    SocketOut.toActor(socket.getRef()),
                    settings,
                    null));
            assertInstanceOf(YMessage.SyncStep1.class, next(socket));
            conn.tell(new ClientConnection.FromSocket(FRAME_UPDATE_U1));
            assertArrayEquals(
                    U1,
                    assertInstanceOf(YMessage.SyncUpdate.class, next(socket)).update());

            // connected but silent: sharding must not passivate the room
            assertNull(destroyed.poll(1500, TimeUnit.MILLISECONDS));

            conn.tell(new ClientConnection.SocketClosed());
            assertNotNull(destroyed.poll(10, TimeUnit.SECONDS), "idle room passivated through its shard");

            // a new connection starts a new incarnation that recovered U1
            TestProbe<SocketOut.Written> socket2 = kit.createTestProbe();
            ActorRef<ClientConnection.Command> conn2 = kit.spawn(ClientConnection.create(
                    new ClientConnection.Identity("sharded-1", "c2", "127.0.0.1", null, RoomAccess.WRITE, null),
                    SocketOut.toActor(socket2.getRef()),
                    settings,
                    null));
            YMessage.SyncStep1 step1 = assertInstanceOf(YMessage.SyncStep1.class, next(socket2));
            assertArrayEquals(hex("010105"), step1.stateVector());
            conn2.tell(new ClientConnection.SocketClosed());
            kit.createTestProbe().expectTerminated(conn2, WAIT);
        } finally {
            unsubscribe.run();
        }
    }

    private static YMessage next(TestProbe<SocketOut.Written> socket) {
        return MessageDecoder.decode(
                socket.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
    }
}
