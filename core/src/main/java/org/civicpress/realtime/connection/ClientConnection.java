package org.civicpress.realtime.connection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.civicpress.realtime.CborSerializable;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.delivery.NodeRelay;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.metrics.NodeMetrics;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.room.RejectReason;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomSettings;

/**
 * One actor per WebSocket. It joins its room (through sharding), forwards the socket's frames to the
 * room incarnation that answered {@link Room.Joined}, closes the socket when the room says so, and watches
 * the incarnation: when it stops (passivation, persist failure, rebalance) the connection joins again;
 * that join is flagged {@link Room.Join#rejoin()}, so the new incarnation sends its SyncStep1 (the
 * y-websocket client sends back whatever the room lacks) and the whole document (whatever the client
 * missed while the old incarnation stopped).
 * Frames arriving while no incarnation is known are queued (bounded) and forwarded after the join.
 * Exception: when this node shuts down, a stopped incarnation is not joined again (the shard is being
 * handed off and the local region stops); the socket stays open until the server's 1012 after the hand-off.
 *
 * <p>Read-only connections ({@link RoomAccess#READ}): every frame that could change the document (an Update,
 * a SyncStep2 with content, {@link SyncProtocol#mayChangeDocument}) is dropped here, before any room sees it:
 * never applied, journaled or broadcast; counted as {@code realtime_messages_rejected_total{reason="read_only"}}.
 * The socket stays open: the client keeps receiving the room's updates and may send awareness and SyncStep1.
 */
public final class ClientConnection extends AbstractBehavior<ClientConnection.Command> {

    public sealed interface Command extends CborSerializable {}

    /**
     * What the room sent ({@link Room.Joined}, {@link Room.CloseWith}), through this actor's message adapter:
     * the room writes frames straight to the socket or through the node's relay, never through this actor.
     */
    private record FromRoom(Room.ToConnection message) implements Command {}

    /** From the flow: one binary frame the client sent. */
    public record FromSocket(byte[] message) implements Command {}

    /** From the flow: the client closed the socket. */
    public record SocketClosed() implements Command {}

    /** From the flow: the socket failed. */
    public record SocketFailed(Throwable cause) implements Command {}

    private record RoomTerminated(ActorRef<Room.Command> incarnation) implements Command {}

    private enum Tick implements Command {
        RETRY_JOIN
    }

    /** How long to wait for {@link Room.Joined} before asking again (the room may be starting elsewhere). */
    static final Duration JOIN_RETRY = Duration.ofSeconds(3);

    /**
     * {@code userId} null = anonymous; {@code access}: what the authenticated principal may do in the room
     * (READ or WRITE; NONE is never admitted); {@code locator} null = cluster sharding of this ActorSystem.
     * {@code correlationId}: the id the HTTP layer gave the upgrade request (null = none); it goes into
     * the MDC of every log line of this connection, with roomId, clientId (= connectionId), userId, node.
     */
    public static Behavior<Command> create(
            String roomId,
            String connectionId,
            String remoteAddress,
            String userId,
            RoomAccess access,
            String correlationId,
            ActorRef<SocketOut> socket,
            RoomSettings settings,
            RoomLocator locator) {
        return create(
                roomId, connectionId, remoteAddress, userId, access, correlationId, socket, settings, locator, false);
    }

    /**
     * One document of a Hocuspocus socket: as above, and the room also sends this connection its extension
     * frames (durable acks, stateless messages: {@code RoomExtensionFrames}) on {@code socket}.
     */
    public static Behavior<Command> createWithExtensionFrames(
            String roomId,
            String connectionId,
            String remoteAddress,
            String userId,
            RoomAccess access,
            String correlationId,
            ActorRef<SocketOut> socket,
            RoomSettings settings,
            RoomLocator locator) {
        return create(
                roomId, connectionId, remoteAddress, userId, access, correlationId, socket, settings, locator, true);
    }

    private static Behavior<Command> create(
            String roomId,
            String connectionId,
            String remoteAddress,
            String userId,
            RoomAccess access,
            String correlationId,
            ActorRef<SocketOut> socket,
            RoomSettings settings,
            RoomLocator locator,
            boolean extensionFrames) {
        if (access == null || !access.canRead()) {
            throw new IllegalArgumentException("a connection needs READ or WRITE access, got " + access);
        }
        Map<String, String> mdc = new HashMap<>();
        mdc.put("roomId", roomId);
        mdc.put("clientId", connectionId);
        mdc.put("node", settings.nodeName());
        if (userId != null) mdc.put("userId", userId);
        if (correlationId != null) mdc.put("correlationId", correlationId);
        return Behaviors.withMdc(
                Command.class,
                Map.copyOf(mdc),
                Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ClientConnection(
                        ctx,
                        timers,
                        roomId,
                        connectionId,
                        remoteAddress,
                        userId,
                        access,
                        correlationId,
                        socket,
                        settings,
                        locator != null ? locator : RoomLocator.sharding(ctx.getSystem()),
                        extensionFrames))));
    }

    private final TimerScheduler<Command> timers;
    private final String roomId;
    private final String connectionId;
    private final String remoteAddress;
    private final String userId;
    /** READ: document-changing frames are dropped (see the class comment). */
    private final RoomAccess access;

    private final RealtimeMetrics metrics;
    /** The room sends this connection its extension frames (a Hocuspocus document). */
    private final boolean extensionFrames;
    /** The upgrade request's correlation id: in the MDC and in this connection's hook events. */
    private final String correlationId;

    private final ActorRef<SocketOut> socket;
    private final RoomLocator locator;
    /** This node's relay: rooms on other nodes write to our socket through it, once per node and broadcast. */
    private final ActorRef<NodeRelay.Command> relay;

    private final long maxQueuedBytes;
    /** What the room answers to (a message adapter of this actor: stable, watched by the room). */
    private final ActorRef<Room.ToConnection> fromRoom;

    private ActorRef<Room.Command> incarnation;
    /** True once an incarnation we were joined to stopped, until the next one accepts us. */
    private boolean rejoining;
    /** This node shuts down and our room was handed off: no more joins, frames are dropped until the 1012. */
    private boolean nodeLeaving;

    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    private long queuedBytes;

    private ClientConnection(
            ActorContext<Command> ctx,
            TimerScheduler<Command> timers,
            String roomId,
            String connectionId,
            String remoteAddress,
            String userId,
            RoomAccess access,
            String correlationId,
            ActorRef<SocketOut> socket,
            RoomSettings settings,
            RoomLocator locator,
            boolean extensionFrames) {
        super(ctx);
        this.extensionFrames = extensionFrames;
        this.timers = timers;
        this.roomId = roomId;
        this.connectionId = connectionId;
        this.remoteAddress = remoteAddress;
        this.userId = userId;
        this.access = access;
        this.metrics = NodeMetrics.get(ctx.getSystem());
        this.correlationId = correlationId;
        this.socket = socket;
        this.locator = locator;
        this.maxQueuedBytes = 2L * settings.maxMessageBytes();
        this.relay = NodeRelay.get(ctx.getSystem());
        this.fromRoom = ctx.messageAdapter(Room.ToConnection.class, FromRoom::new);
        // Before the first Join: the relay knows the socket before any room can name this connection to it.
        relay.tell(new NodeRelay.Register(connectionId, socket));
        join();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(FromSocket.class, this::onFromSocket)
                .onMessage(FromRoom.class, this::onFromRoom)
                .onMessage(RoomTerminated.class, this::onRoomTerminated)
                .onMessageEquals(Tick.RETRY_JOIN, this::onRetryJoin)
                .onMessage(SocketClosed.class, closed -> leave("socket closed"))
                .onMessage(SocketFailed.class, failed -> leave("socket failed: " + failed.cause()))
                .onSignal(PostStop.class, stopped -> {
                    relay.tell(new NodeRelay.Unregister(connectionId));
                    return this;
                })
                .build();
    }

    private void join() {
        // The socket ref lets a room in this JVM write frames straight to the socket (one hop less per delivery);
        // a room on another node writes through our node's relay.
        locator.locate(roomId)
                .tell(new Room.Join(
                        connectionId, fromRoom, userId, rejoining, socket, relay, correlationId, extensionFrames));
        timers.startSingleTimer(Tick.RETRY_JOIN, Tick.RETRY_JOIN, JOIN_RETRY);
    }

    private Behavior<Command> onFromSocket(FromSocket frame) {
        if (!access.canWrite() && SyncProtocol.mayChangeDocument(frame.message())) {
            metrics.messageRejected(RejectReason.READ_ONLY);
            getContext()
                    .getLog()
                    .debug(
                            "connection {} (user {}): read-only, dropped a {}-byte document change",
                            connectionId,
                            userId,
                            frame.message().length);
            return this;
        }
        if (incarnation != null) {
            incarnation.tell(new Room.FromClient(connectionId, frame.message()));
            return this;
        }
        if (nodeLeaving) {
            // Never journaled, so never echoed: y-websocket sends these edits again after reconnecting
            // (the new room's SyncStep1 shows it what the room lacks).
            return this;
        }
        queuedBytes += frame.message().length;
        if (queuedBytes > maxQueuedBytes) {
            getContext()
                    .getLog()
                    .warn(
                            "connection {} ({}): room {} unavailable and {} bytes queued, closing",
                            connectionId,
                            remoteAddress,
                            roomId,
                            queuedBytes);
            socket.tell(new SocketOut.CloseSocket(CloseCodes.SERVICE_RESTART.code(), "room unavailable, reconnect"));
            return leave("queue overflow");
        }
        queued.add(frame.message());
        return this;
    }

    private Behavior<Command> onFromRoom(FromRoom fromRoom) {
        if (fromRoom.message() instanceof Room.Joined joined) return onJoined(joined);
        Room.CloseWith close = (Room.CloseWith) fromRoom.message();
        socket.tell(new SocketOut.CloseSocket(close.code(), close.reason()));
        return Behaviors.stopped();
    }

    private Behavior<Command> onJoined(Room.Joined joined) {
        timers.cancel(Tick.RETRY_JOIN);
        rejoining = false;
        if (!joined.incarnation().equals(incarnation)) {
            if (incarnation != null) getContext().unwatch(incarnation);
            incarnation = joined.incarnation();
            getContext().watchWith(incarnation, new RoomTerminated(incarnation));
        }
        while (!queued.isEmpty()) incarnation.tell(new Room.FromClient(connectionId, queued.poll()));
        queuedBytes = 0;
        return this;
    }

    private Behavior<Command> onRoomTerminated(RoomTerminated terminated) {
        if (!terminated.incarnation().equals(incarnation)) return this;
        incarnation = null;
        if (CoordinatedShutdown.get(getContext().getSystem())
                .getShutdownReason()
                .isPresent()) {
            // This node is leaving and its shard region is handing the room off: a join from here could
            // not be routed once the region stops. Keep the socket open: the server closes every socket
            // with 1012 once the hand-off completed, the client reconnects to another node and resyncs.
            getContext()
                    .getLog()
                    .debug("connection {}: room {} handed off, waiting for the 1012", connectionId, roomId);
            nodeLeaving = true;
            timers.cancel(Tick.RETRY_JOIN);
            return this;
        }
        getContext().getLog().info("connection {}: room {} incarnation stopped, joining again", connectionId, roomId);
        rejoining = true;
        join();
        return this;
    }

    private Behavior<Command> onRetryJoin() {
        if (incarnation == null && !nodeLeaving) join();
        return this;
    }

    private Behavior<Command> leave(String why) {
        getContext().getLog().debug("connection {} ({}) leaving room {}: {}", connectionId, remoteAddress, roomId, why);
        if (incarnation != null) {
            incarnation.tell(new Room.Leave(connectionId));
        } else if (!nodeLeaving) {
            locator.locate(roomId).tell(new Room.Leave(connectionId)); // a join may be on its way
        }
        return Behaviors.stopped();
    }
}
