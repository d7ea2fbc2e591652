package org.civicpress.realtime.http;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Graph;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.Principal;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.connection.SocketIn;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.RealtimeError;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.protocol.AuthProtocol;
import org.civicpress.realtime.room.RejectReason;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.services.AuthService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Admission of a WebSocket to a room, once the route has validated the request: not ready (starting or
 * shutting down) → accepted and closed at once with 1012 (y-websocket reconnects with its backoff); over a
 * connection limit → closed with 4429; else the connection's {@link SocketStage} (frames, message shaping,
 * close handshake) with what the admission starts behind it.
 *
 * <p>Authentication (docs/security.md, "How connections use it"): the upgrade is always accepted, so that a
 * browser can see why it is refused. The stream then asks {@link AuthService#authorizeRoom} (non-blocking;
 * while it runs at most {@code auth.max_pending_messages} / {@code max_pending_bytes} are held, then 4429).
 * Refused → the y-protocols auth message permission-denied with the reason, then close 4401 (missing or
 * invalid token) or 4403 (no access to the room); the room is never joined. Accepted → the user is counted
 * against {@code connections_per_user} (4429 over it), the connection joins with the user id and its
 * {@link RoomAccess} (READ: document changes dropped by {@link ClientConnection}), and a token with an
 * expiry closes the socket with 4401 at that instant.
 *
 * <p>Rate limits ({@code rate_limiting.*}): a WebSocket over {@code connections_per_ip} (or, once users are
 * authenticated, {@code connections_per_user}) is accepted and closed at once with 4429 (a y-websocket
 * client sees the code in its close event, then reconnects with its backoff); client messages are
 * SHAPED, never refused: a token bucket of {@code messages_per_second} holding {@code burst_seconds} worth of
 * messages (10 s by default) delays reading from the socket, so a flood is slowed by TCP backpressure while
 * bursts of typing pass untouched. The bucket starts full, so the burst is what a flooder gets in at once
 * before the others' updates: the longer it is, the longer the others wait (docs/benchmarks.md "Flooding
 * client": 60 s worth took the room's p99 from 89 ms to 2.4 s).
 */
final class RoomSockets {
    private static final Logger log = LoggerFactory.getLogger(RoomSockets.class);
    private final ActorSystem<?> system;
    private final RoomSettings roomSettings;
    private final ServerState state;
    private final RealtimeMetrics metrics;
    private final ConnectionLimiter connectionLimiter;
    private final OpenSockets openSockets = new OpenSockets();
    private final AuthService authService;
    /** Every socket's limits; {@code /realtime} sockets hold at most auth.max_pending_* before admission. */
    private final SocketStage.Limits limits;

    private final SocketStage.Tracker tracker;

    RoomSockets(
            ActorSystem<?> system,
            RoomSettings roomSettings,
            int outgoingBufferMessages,
            ServerState state,
            RealtimeMetrics metrics,
            RealtimeConfig.RateLimiting rateLimiting,
            AuthService authService,
            RealtimeConfig.Auth auth) {
        this.system = system;
        this.authService = authService;
        this.roomSettings = roomSettings;
        this.state = state;
        this.metrics = metrics;
        this.connectionLimiter =
                new ConnectionLimiter(rateLimiting.connectionsPerIp(), rateLimiting.connectionsPerUser());
        this.limits = new SocketStage.Limits(
                roomSettings.maxMessageBytes(),
                outgoingBufferMessages,
                rateLimiting.messagesPerSecond(),
                rateLimiting.burstMessages(),
                CLOSE_TIMEOUT,
                new SocketStage.PendingLimit(auth.maxPendingMessages(), auth.maxPendingBytes()));
        this.tracker = new SocketStage.Tracker(openSockets, metrics);
        Duration ping = keepAliveInterval(system);
        if (ping != null) {
            // One sweep for the node instead of a timer per connection; every half interval, see pingIdle.
            Duration every = ping.dividedBy(2);
            system.scheduler().scheduleWithFixedDelay(every, every, openSockets::pingIdle, system.executionContext());
        }
    }

    /** How long the peer may wait for our close frame's answer before the connection ends anyway. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

    /** websocket.ping_interval (pekko.http.server.websocket.periodic-keep-alive-max-idle), null when off. */
    private static Duration keepAliveInterval(ActorSystem<?> system) {
        String path = "pekko.http.server.websocket.periodic-keep-alive-max-idle";
        var config = system.settings().config();
        if (!config.hasPath(path) || "infinite".equals(config.getString(path))) return null;
        Duration interval = config.getDuration(path);
        return interval.isZero() || interval.isNegative() ? null : interval;
    }

    OpenSockets openSockets() {
        return openSockets;
    }

    /**
     * The 101 response that runs this socket: closed at once (1012, 4429), refused after authentication
     * (4401, 4403, 4429) or connected to its room. {@code token}: the request's bearer token, null for none.
     */
    HttpResponse accept(
            UpgradeToWebSocketLowLevel upgrade, String roomId, String remote, String correlationId, String token) {
        return serve(
                upgrade,
                stage(
                        roomId,
                        remote,
                        correlationId,
                        limits,
                        (lease, expiry) -> (connectionId, socket) ->
                                admit(roomId, remote, correlationId, token, lease, expiry, connectionId, socket)));
    }

    /** What runs behind a socket of the Hocuspocus endpoint: one actor speaking {@link ClientConnection.Command}. */
    @FunctionalInterface
    interface ConnectionFactory {
        Behavior<ClientConnection.Command> create(String connectionId, SocketOut socket);
    }

    /**
     * The same admission (readiness, connection limits, message shaping, open-socket registry) for a socket that
     * {@code connection} runs: the Hocuspocus endpoint's, which authenticates each of its documents itself;
     * {@code label} names it in log lines.
     */
    HttpResponse accept(
            UpgradeToWebSocketLowLevel upgrade,
            String label,
            String remote,
            String correlationId,
            ConnectionFactory connection) {
        return serve(
                upgrade,
                stage(
                        label,
                        remote,
                        correlationId,
                        limits.withPending(SocketStage.PendingLimit.NONE_NEEDED),
                        (lease, expiry) -> (connectionId, socket) -> {
                            // A typed system's user guardian cannot be asked to spawn from outside: connections
                            // live under /system.
                            ActorRef<ClientConnection.Command> started = system.systemActorOf(
                                    connection.create(connectionId, socket),
                                    "connection-" + connectionId,
                                    Props.empty());
                            return CompletableFuture.completedFuture(SocketIn.toActor(started));
                        }));
    }

    private static HttpResponse serve(UpgradeToWebSocketLowLevel upgrade, SocketStage stage) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Graph<FlowShape<FrameEvent, FrameEvent>, Object> graph = (Graph) stage;
        return upgrade.handleFrames(graph, Option.empty());
    }

    /** Decides what runs behind an admitted socket, given its connection-limit lease and its expiry timer. */
    @FunctionalInterface
    private interface AdmissionFactory {
        SocketStage.Admission create(ConnectionLimiter.Lease lease, Expiry expiry);
    }

    private SocketStage stage(
            String label,
            String remote,
            String correlationId,
            SocketStage.Limits socketLimits,
            AdmissionFactory admission) {
        String connectionId = UUID.randomUUID().toString();
        ServerState.Phase phase = state.phase();
        if (phase != ServerState.Phase.READY) {
            // Starting (rooms not ready) or shutting down (rooms being handed off): reconnect, here later or elsewhere.
            return SocketStage.closing(
                    connectionId,
                    label,
                    remote,
                    socketLimits,
                    CloseCodes.SERVICE_RESTART.code(),
                    phase == ServerState.Phase.STARTING
                            ? "server starting, reconnect"
                            : "server shutting down, reconnect");
        }
        // Per IP now; the user is known (and counted) once authentication completed.
        ConnectionLimiter.Outcome outcome = connectionLimiter.tryOpen(remote, null);
        if (!outcome.granted()) {
            metrics.messageRejected(RejectReason.RATE_LIMITED);
            CorrelationIds.withMdc(
                    correlationId,
                    () -> log.warn(
                            "WebSocket for room {} from {} refused: too many connections per {}",
                            label,
                            remote,
                            outcome.refusal() == ConnectionLimiter.Refusal.IP ? "IP" : "user"));
            String reason = outcome.refusal() == ConnectionLimiter.Refusal.IP
                    ? "too many connections from this address"
                    : USER_LIMIT_REASON;
            return SocketStage.closing(
                    connectionId, label, remote, socketLimits, CloseCodes.RATE_LIMITED.code(), reason);
        }
        ConnectionLimiter.Lease lease = outcome.lease();
        Expiry expiry = new Expiry();
        return new SocketStage(
                connectionId, label, remote, socketLimits, admission.create(lease, expiry), tracker, () -> {
                    expiry.socketEnded();
                    lease.release();
                });
    }

    /**
     * Authenticates and authorizes the socket; completes with its connection, or null after telling the
     * socket why it is refused. Runs on whatever thread completes the auth stage (never blocks it).
     */
    private CompletionStage<SocketIn> admit(
            String roomId,
            String remote,
            String correlationId,
            String token,
            ConnectionLimiter.Lease lease,
            Expiry expiry,
            String connectionId,
            SocketOut socket) {
        return authService.authorizeRoom(token, roomId, connectionId).thenApply(outcome -> {
            if (!(outcome instanceof AuthOutcome.Authenticated authenticated)) {
                RealtimeError error = outcome.error().orElseThrow();
                CorrelationIds.withMdc(
                        correlationId,
                        () -> log.info(
                                "WebSocket {} for room {} from {} refused: {} {} ({})",
                                connectionId,
                                roomId,
                                remote,
                                error.wsCloseCode(),
                                error.details().get("reason"),
                                error.getMessage()));
                deny(socket, error);
                return null;
            }
            Principal principal = authenticated.principal();
            String userId = principal.userIdOrNull();
            if (!lease.attachUser(userId)) {
                metrics.messageRejected(RejectReason.RATE_LIMITED);
                CorrelationIds.withMdc(
                        correlationId,
                        () -> log.warn(
                                "WebSocket {} for room {} from {} refused: too many connections for user {}",
                                connectionId,
                                roomId,
                                remote,
                                userId));
                socket.close(CloseCodes.RATE_LIMITED.code(), USER_LIMIT_REASON);
                return null;
            }
            RoomAccess access = principal.accessTo(roomId);
            // Who got in with which access: INFO for an authenticated user, DEBUG for anonymous connections (a
            // reconnect storm of thousands would otherwise write thousands of lines saying nobody).
            if (userId != null || log.isDebugEnabled()) {
                String line = "WebSocket {} for room {} from {}: user {} ({})";
                Object[] args = {connectionId, roomId, remote, principal.userId(), access};
                CorrelationIds.withMdc(correlationId, () -> {
                    if (userId != null) log.info(line, args);
                    else log.debug(line, args);
                });
            }
            if (principal.expiresAt() != null) {
                expiry.schedule(principal.expiresAt(), () -> {
                    CorrelationIds.withMdc(
                            correlationId,
                            () -> log.info(
                                    "WebSocket {} for room {}: the token of user {} expired, closing",
                                    connectionId,
                                    roomId,
                                    principal.userId()));
                    deny(socket, AuthOutcome.sessionExpired().error().orElseThrow());
                });
            }
            return ClientConnection.start(
                    system,
                    new ClientConnection.Identity(roomId, connectionId, remote, userId, access, correlationId),
                    socket,
                    roomSettings);
        });
    }

    /** The y-protocols permission-denied message with the error's reason, then its close code (4401, 4403). */
    static void deny(SocketOut socket, RealtimeError error) {
        socket.send(AuthProtocol.encodePermissionDenied(error.getMessage()));
        socket.close(error.wsCloseCode(), error.closeReason());
    }

    /** The close at a token's expiry; cancelled when the socket ends first. */
    private final class Expiry {
        private boolean ended;
        private Cancellable timer;

        synchronized void schedule(Instant at, Runnable close) {
            if (ended) return;
            Duration delay = Duration.between(Instant.now(), at);
            timer = system.scheduler()
                    .scheduleOnce(delay.isNegative() ? Duration.ZERO : delay, close, system.executionContext());
        }

        synchronized void socketEnded() {
            ended = true;
            if (timer != null) timer.cancel();
        }
    }

    private static final String USER_LIMIT_REASON = "too many connections for this user";
}
