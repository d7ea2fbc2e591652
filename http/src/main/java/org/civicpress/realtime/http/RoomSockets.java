package org.civicpress.realtime.http;

import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
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
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RejectReason;
import org.civicpress.realtime.room.RoomSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission of a WebSocket to a room, once the route has validated the request: not ready (starting or
 * shutting down) → accepted and closed at once with 1012 (y-websocket reconnects with its backoff); over a
 * connection limit → closed with 4429; else the connection's stream ({@link ConnectionFlow}) behind the
 * per-connection message shaper.
 *
 * <p>Rate limits ({@code rate_limiting.*}): a WebSocket over {@code connections_per_ip} (or, once users are
 * authenticated, {@code connections_per_user}) is accepted and closed at once with 4429 (a y-websocket
 * client sees the code in its close event, then reconnects with its backoff); client messages are
 * SHAPED, never refused: a token bucket of {@code messages_per_second} with a burst of 60 s worth of
 * messages delays reading from the socket, so a flood is slowed by TCP backpressure while bursts of
 * typing pass untouched.
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
    private final OpenSockets openSockets = new OpenSockets();
    private final WebSocketSettings webSocketSettings;
    private final LoggingAdapter wsLog;

    RoomSockets(ActorSystem<?> system, RoomSettings roomSettings, int outgoingBufferMessages, ServerState state,
                RealtimeMetrics metrics, RealtimeConfig.RateLimiting rateLimiting) {
        this.system = system;
        this.roomSettings = roomSettings;
        this.outgoingBufferMessages = outgoingBufferMessages;
        this.state = state;
        this.metrics = metrics;
        this.connectionLimiter = new ConnectionLimiter(rateLimiting.connectionsPerIp(),
                rateLimiting.connectionsPerUser());
        this.messagesPerSecond = rateLimiting.messagesPerSecond();
        this.webSocketSettings = ServerSettings.apply(system.settings().config()).websocketSettings();
        this.wsLog = Logging.getLogger(system.classicSystem(), "org.civicpress.realtime.http.WebSocket");
    }

    OpenSockets openSockets() {
        return openSockets;
    }

    /** The 101 response that runs this socket: closed at once (1012, 4429) or connected to its room. */
    HttpResponse accept(UpgradeToWebSocketLowLevel upgrade, String roomId, String remote, String correlationId) {
        return CustomCloseFrames.serve(upgrade, handler(roomId, remote, correlationId,
                (connectionId, socket) -> ClientConnection.create(roomId, connectionId, remote, null, null,
                        correlationId, socket, roomSettings, null)), webSocketSettings, wsLog);
    }

    /**
     * The same admission (readiness, connection limits, message shaping, open-socket registry) for a socket that
     * {@code connection} runs: the Hocuspocus endpoint's; {@code label} names it in log lines.
     */
    HttpResponse accept(UpgradeToWebSocketLowLevel upgrade, String label, String remote, String correlationId,
                        ConnectionFlow.ConnectionFactory connection) {
        return CustomCloseFrames.serve(upgrade, handler(label, remote, correlationId, connection), webSocketSettings,
                wsLog);
    }

    private Flow<Message, Message, NotUsed> handler(String roomId, String remote, String correlationId,
                                                    ConnectionFlow.ConnectionFactory connection) {
        ServerState.Phase phase = state.phase();
        if (phase != ServerState.Phase.READY) {
            // Starting (rooms not ready) or shutting down (rooms being handed off): reconnect, here later or elsewhere.
            return closing(CloseCodes.SERVICE_RESTART.code(), phase == ServerState.Phase.STARTING
                    ? "server starting, reconnect" : "server shutting down, reconnect");
        }
        // Anonymous connections (no authentication on this route yet): limited per IP only.
        ConnectionLimiter.Outcome outcome = connectionLimiter.tryOpen(remote, null);
        if (!outcome.granted()) {
            metrics.messageRejected(RejectReason.RATE_LIMITED);
            CorrelationIds.withMdc(correlationId, () -> log.warn(
                    "WebSocket for room {} from {} refused: too many connections per {}", roomId, remote,
                    outcome.refusal() == ConnectionLimiter.Refusal.IP ? "IP" : "user"));
            return refused(outcome.refusal());
        }
        ConnectionLimiter.Lease lease = outcome.lease();
        return Flow.<Message>create()
                .throttle(messagesPerSecond, Duration.ofSeconds(1), burst(messagesPerSecond), ThrottleMode.shaping())
                .via(ConnectionFlow.create(system, roomId, remote, roomSettings, outgoingBufferMessages,
                        openSockets, metrics, connection))
                .watchTermination((notUsed, done) -> {
                    // Not whenComplete: on a Scala-backed stage it runs on the common pool, a new thread per
                    // call on a 1-CPU machine. release() is cheap and thread-safe: run it where it completes.
                    done.whenCompleteAsync((ok, error) -> lease.release(), Runnable::run);
                    return notUsed;
                });
    }

    /**
     * Burst of the per-connection message bucket: 60 seconds' worth. A y-websocket editor sends about two
     * messages per keystroke (update + cursor awareness), so a fast typist runs above the default 10/s;
     * a minute of credit keeps real typing (which pauses) from ever being delayed.
     */
    static int burst(int messagesPerSecond) {
        return (int) Math.min(Integer.MAX_VALUE, 60L * messagesPerSecond);
    }

    private static Flow<Message, Message, NotUsed> refused(ConnectionLimiter.Refusal refusal) {
        String reason = refusal == ConnectionLimiter.Refusal.IP ? "too many connections from this address"
                : "too many connections for this user";
        return closing(CloseCodes.RATE_LIMITED.code(), reason);
    }

    /** A handler that closes the just-accepted WebSocket with {@code code} and ignores what the client sends. */
    private static Flow<Message, Message, NotUsed> closing(int code, String reason) {
        return Flow.fromSinkAndSourceCoupled(Sink.ignore(), Source.single(CustomCloseFrames.closeMessage(code, reason)));
    }
}
