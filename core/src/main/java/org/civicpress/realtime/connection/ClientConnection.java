package org.civicpress.realtime.connection;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Props;
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
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomSettings;

/**
 * One actor per WebSocket. It joins its room (through sharding), points the socket's {@link RoomRoute} at the
 * room incarnation that answered {@link Room.Joined} (the socket's messages then go straight there, not through
 * this actor), closes the socket when the room says so, and watches the incarnation: when it stops
 * (passivation, persist failure, rebalance) the connection joins again;
 * that join is flagged {@link Room.Join#rejoin()}, so the new incarnation sends its SyncStep1 (the
 * y-websocket client sends back whatever the room lacks) and the whole document (whatever the client
 * missed while the old incarnation stopped).
 * Frames arriving while no incarnation is known are queued (bounded) by the route and forwarded after the join.
 * Exception: when this node shuts down, a stopped incarnation is not joined again (the shard is being
 * handed off and the local region stops); the socket stays open until the server's 1012 after the hand-off.
 *
 * <p>Read-only connections ({@link RoomAccess#READ}): every frame that could change the document (an Update,
 * a SyncStep2 with content, {@link SyncProtocol#mayChangeDocument}) is dropped by the route, before any room sees
 * it:
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

    /** One binary frame the client sent, for a connection run behind another actor (a Hocuspocus document). */
    public record FromSocket(byte[] message) implements Command {}

    /** From the route: the room is unavailable and more than twice the message limit waits for it. */
    record QueueOverflow(long queuedBytes) implements Command {}

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
     * Who a connection is: its room, its id, the peer's address, the user ({@code userId} null = anonymous), what
     * the authenticated principal may do in the room ({@code access}: READ or WRITE; NONE is never admitted) and
     * the id the HTTP layer gave the upgrade request ({@code correlationId}, null = none). All of it but the
     * address goes into the MDC of every log line of the connection (roomId, clientId = connectionId, userId,
     * correlationId, with the node).
     */
    public record Identity(
            String roomId,
            String connectionId,
            String remoteAddress,
            String userId,
            RoomAccess access,
            String correlationId) {
        public Identity {
            if (access == null || !access.canRead()) {
                throw new IllegalArgumentException("a connection needs READ or WRITE access, got " + access);
            }
        }
    }

    /** A y-websocket connection behind {@code socket}; {@code locator} null = cluster sharding of this ActorSystem. */
    public static Behavior<Command> create(Identity id, SocketOut socket, RoomSettings settings, RoomLocator locator) {
        return create(id, socket, settings, locator, false, null);
    }

    /**
     * Starts the connection of a y-websocket socket (its actor lives under /system) and returns what the socket
     * hands its messages to: the connection's {@link RoomRoute}, straight to the room incarnation.
     */
    public static SocketIn start(ActorSystem<?> system, Identity id, SocketOut socket, RoomSettings settings) {
        RoomRoute route = route(id, NodeMetrics.get(system), settings);
        ActorRef<Command> connection = system.systemActorOf(
                create(id, socket, settings, null, false, route), "connection-" + id.connectionId(), Props.empty());
        route.ownedBy(connection);
        return route;
    }

    /**
     * One document of a Hocuspocus socket: as {@link #create}, and the room also sends this connection its
     * extension frames (durable acks, stateless messages: {@code RoomExtensionFrames}) on {@code socket}.
     */
    public static Behavior<Command> createWithExtensionFrames(
            Identity id, SocketOut socket, RoomSettings settings, RoomLocator locator) {
        return create(id, socket, settings, locator, true, null);
    }

    private static RoomRoute route(Identity id, RealtimeMetrics metrics, RoomSettings settings) {
        return new RoomRoute(id.connectionId(), id.access(), metrics, 2L * settings.maxMessageBytes());
    }

    private static Behavior<Command> create(
            Identity id,
            SocketOut socket,
            RoomSettings settings,
            RoomLocator locator,
            boolean extensionFrames,
            RoomRoute startedRoute) {
        Map<String, String> mdc = new HashMap<>();
        mdc.put("roomId", id.roomId());
        mdc.put("clientId", id.connectionId());
        mdc.put("node", settings.nodeName());
        if (id.userId() != null) mdc.put("userId", id.userId());
        if (id.correlationId() != null) mdc.put("correlationId", id.correlationId());
        return Behaviors.withMdc(
                Command.class,
                Map.copyOf(mdc),
                Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ClientConnection(
                        ctx,
                        timers,
                        id,
                        socket,
                        locator != null ? locator : RoomLocator.sharding(ctx.getSystem()),
                        extensionFrames,
                        startedRoute != null ? startedRoute : route(id, NodeMetrics.get(ctx.getSystem()), settings)))));
    }

    private final TimerScheduler<Command> timers;
    private final String roomId;
    private final String connectionId;
    private final String remoteAddress;
    private final String userId;
    /** The room sends this connection its extension frames (a Hocuspocus document). */
    private final boolean extensionFrames;
    /** The upgrade request's correlation id: in the MDC and in this connection's hook events. */
    private final String correlationId;

    private final SocketOut socket;
    private final RoomLocator locator;
    /** This node's relay: rooms on other nodes write to our socket through it, once per node and broadcast. */
    private final NodeRelay relay;
    /** Where the socket's messages go: the joined incarnation, or a bounded queue while there is none. */
    private final RoomRoute route;
    /** What the room answers to (a message adapter of this actor: stable, watched by the room). */
    private final ActorRef<Room.ToConnection> fromRoom;

    private ActorRef<Room.Command> incarnation;
    /** True once an incarnation we were joined to stopped, until the next one accepts us. */
    private boolean rejoining;
    /** This node shuts down and our room was handed off: no more joins, frames are dropped until the 1012. */
    private boolean nodeLeaving;
    /** The socket ended, or this actor closed it: nothing to close when it stops. */
    private boolean socketDone;

    private ClientConnection(
            ActorContext<Command> ctx,
            TimerScheduler<Command> timers,
            Identity id,
            SocketOut socket,
            RoomLocator locator,
            boolean extensionFrames,
            RoomRoute route) {
        super(ctx);
        this.extensionFrames = extensionFrames;
        this.timers = timers;
        this.roomId = id.roomId();
        this.connectionId = id.connectionId();
        this.remoteAddress = id.remoteAddress();
        this.userId = id.userId();
        this.correlationId = id.correlationId();
        this.socket = socket;
        this.locator = locator;
        this.route = route;
        route.ownedBy(ctx.getSelf());
        this.relay = NodeRelay.get(ctx.getSystem());
        this.fromRoom = ctx.messageAdapter(Room.ToConnection.class, FromRoom::new);
        // Before the first Join: a room on this node finds the socket there when this connection joins.
        relay.register(connectionId, socket);
        join();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(FromSocket.class, frame -> {
                    route.fromClient(frame.message());
                    return this;
                })
                .onMessage(QueueOverflow.class, this::onQueueOverflow)
                .onMessage(FromRoom.class, this::onFromRoom)
                .onMessage(RoomTerminated.class, this::onRoomTerminated)
                .onMessageEquals(Tick.RETRY_JOIN, this::onRetryJoin)
                .onMessage(SocketClosed.class, closed -> {
                    socketDone = true;
                    return leave("socket closed");
                })
                .onMessage(SocketFailed.class, failed -> {
                    socketDone = true;
                    return leave("socket failed: " + failed.cause());
                })
                .onSignal(PostStop.class, stopped -> {
                    relay.unregister(connectionId);
                    route.drop();
                    // Stopped without closing its socket (a crash): no socket outlives its connection.
                    if (!socketDone) socket.close(CloseCodes.SERVICE_RESTART.code(), "connection ended, reconnect");
                    return this;
                })
                .build();
    }

    private void join() {
        // The socket ref lets a room in this JVM write frames straight to the socket (one hop less per delivery);
        // a room on another node writes through our node's relay.
        locator.locate(roomId)
                .tell(new Room.Join(
                        connectionId, fromRoom, userId, rejoining, relay.ref(), correlationId, extensionFrames));
        timers.startSingleTimer(Tick.RETRY_JOIN, Tick.RETRY_JOIN, JOIN_RETRY);
    }

    private Behavior<Command> onQueueOverflow(QueueOverflow overflow) {
        getContext()
                .getLog()
                .warn(
                        "connection {} ({}): room {} unavailable and {} bytes queued, closing",
                        connectionId,
                        remoteAddress,
                        roomId,
                        overflow.queuedBytes());
        closeSocket(CloseCodes.SERVICE_RESTART.code(), "room unavailable, reconnect");
        return leave("queue overflow");
    }

    private void closeSocket(int code, String reason) {
        socketDone = true;
        socket.close(code, reason);
    }

    private Behavior<Command> onFromRoom(FromRoom fromRoom) {
        if (fromRoom.message() instanceof Room.Joined joined) return onJoined(joined);
        Room.CloseWith close = (Room.CloseWith) fromRoom.message();
        closeSocket(close.code(), close.reason());
        route.drop();
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
        route.joined(incarnation);
        return this;
    }

    private Behavior<Command> onRoomTerminated(RoomTerminated terminated) {
        if (!terminated.incarnation().equals(incarnation)) return this;
        incarnation = null;
        route.lost();
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
            route.drop();
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
        route.drop();
        getContext().getLog().debug("connection {} ({}) leaving room {}: {}", connectionId, remoteAddress, roomId, why);
        if (incarnation != null) {
            incarnation.tell(new Room.Leave(connectionId));
        } else if (!nodeLeaving) {
            locator.locate(roomId).tell(new Room.Leave(connectionId)); // a join may be on its way
        }
        return Behaviors.stopped();
    }
}
