package org.civicpress.realtime.http;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ws.Message;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.Principal;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.connection.ClientConnection;
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

/**
 * Admission of a WebSocket to a room, once the route has validated the request: not ready (starting or
 * shutting down) → accepted and closed at once with 1012 (y-websocket reconnects with its backoff); over a
 * connection limit → closed with 4429; else the connection's stream ({@link ConnectionFlow}) behind the
 * per-connection message shaper.
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
    private final int outgoingBufferMessages;
    private final ServerState state;
    private final RealtimeMetrics metrics;
    private final ConnectionLimiter connectionLimiter;
    private final int messagesPerSecond;
    private final int burstMessages;
    private final OpenSockets openSockets = new OpenSockets();
    private final WebSocketSettings webSocketSettings;
    private final LoggingAdapter wsLog;
    private final AuthService authService;
    private final ConnectionFlow.PendingLimit pendingLimit;

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
        this.pendingLimit = new ConnectionFlow.PendingLimit(auth.maxPendingMessages(), auth.maxPendingBytes());
        this.roomSettings = roomSettings;
        this.outgoingBufferMessages = outgoingBufferMessages;
        this.state = state;
        this.metrics = metrics;
        this.connectionLimiter =
                new ConnectionLimiter(rateLimiting.connectionsPerIp(), rateLimiting.connectionsPerUser());
        this.messagesPerSecond = rateLimiting.messagesPerSecond();
        this.burstMessages = rateLimiting.burstMessages();
        this.webSocketSettings =
                ServerSettings.apply(system.settings().config()).websocketSettings();
        this.wsLog = Logging.getLogger(system.classicSystem(), "org.civicpress.realtime.http.WebSocket");
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
        return CustomCloseFrames.serve(
                upgrade,
                handler(
                        roomId,
                        remote,
                        correlationId,
                        pendingLimit,
                        (lease, expiry) -> (connectionId, socket) ->
                                admit(roomId, remote, correlationId, token, lease, expiry, connectionId, socket)),
                webSocketSettings,
                wsLog);
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
            ConnectionFlow.ConnectionFactory connection) {
        return CustomCloseFrames.serve(
                upgrade,
                handler(
                        label,
                        remote,
                        correlationId,
                        ConnectionFlow.PendingLimit.NONE_NEEDED,
                        (lease, expiry) -> (connectionId, socket) ->
                                CompletableFuture.completedFuture(connection.create(connectionId, socket))),
                webSocketSettings,
                wsLog);
    }

    /** Decides what runs behind an admitted socket, given its connection-limit lease and its expiry timer. */
    @FunctionalInterface
    private interface AdmissionFactory {
        ConnectionFlow.Admission create(ConnectionLimiter.Lease lease, Expiry expiry);
    }

    private Flow<Message, Message, NotUsed> handler(
            String roomId,
            String remote,
            String correlationId,
            ConnectionFlow.PendingLimit pending,
            AdmissionFactory admission) {
        ServerState.Phase phase = state.phase();
        if (phase != ServerState.Phase.READY) {
            // Starting (rooms not ready) or shutting down (rooms being handed off): reconnect, here later or elsewhere.
            return closing(
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
                            roomId,
                            remote,
                            outcome.refusal() == ConnectionLimiter.Refusal.IP ? "IP" : "user"));
            return refused(outcome.refusal());
        }
        ConnectionLimiter.Lease lease = outcome.lease();
        Expiry expiry = new Expiry();
        return Flow.<Message>create()
                .throttle(messagesPerSecond, Duration.ofSeconds(1), burstMessages, ThrottleMode.shaping())
                .via(ConnectionFlow.create(
                        system,
                        roomId,
                        remote,
                        roomSettings,
                        outgoingBufferMessages,
                        openSockets,
                        metrics,
                        pending,
                        admission.create(lease, expiry)))
                .watchTermination((notUsed, done) -> {
                    // Not whenComplete: on a Scala-backed stage it runs on the common pool, a new thread per
                    // call on a 1-CPU machine. release() is cheap and thread-safe: run it where it completes.
                    done.whenCompleteAsync(
                            (ok, error) -> {
                                expiry.socketEnded();
                                lease.release();
                            },
                            Runnable::run);
                    return notUsed;
                });
    }

    /**
     * Authenticates and authorizes the socket; completes with its connection, or null after telling the
     * socket why it is refused. Runs on whatever thread completes the auth stage (never blocks it).
     */
    private CompletionStage<Behavior<ClientConnection.Command>> admit(
            String roomId,
            String remote,
            String correlationId,
            String token,
            ConnectionLimiter.Lease lease,
            Expiry expiry,
            String connectionId,
            ActorRef<SocketOut> socket) {
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
                socket.tell(new SocketOut.CloseSocket(CloseCodes.RATE_LIMITED.code(), USER_LIMIT_REASON));
                return null;
            }
            RoomAccess access = principal.accessTo(roomId);
            CorrelationIds.withMdc(
                    correlationId,
                    () -> log.info(
                            "WebSocket {} for room {} from {}: user {} ({})",
                            connectionId,
                            roomId,
                            remote,
                            principal.userId(),
                            access));
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
            return ClientConnection.create(
                    roomId, connectionId, remote, userId, access, correlationId, socket, roomSettings, null);
        });
    }

    /** The y-protocols permission-denied message with the error's reason, then its close code (4401, 4403). */
    static void deny(ActorRef<SocketOut> socket, RealtimeError error) {
        socket.tell(new SocketOut.Frame(AuthProtocol.encodePermissionDenied(error.getMessage())));
        socket.tell(new SocketOut.CloseSocket(error.wsCloseCode(), error.closeReason()));
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

    private static Flow<Message, Message, NotUsed> refused(ConnectionLimiter.Refusal refusal) {
        String reason =
                refusal == ConnectionLimiter.Refusal.IP ? "too many connections from this address" : USER_LIMIT_REASON;
        return closing(CloseCodes.RATE_LIMITED.code(), reason);
    }

    /** A handler that closes the just-accepted WebSocket with {@code code} and ignores what the client sends. */
    private static Flow<Message, Message, NotUsed> closing(int code, String reason) {
        return Flow.fromSinkAndSourceCoupled(
                Sink.ignore(), Source.single(CustomCloseFrames.closeMessage(code, reason)));
    }
}
