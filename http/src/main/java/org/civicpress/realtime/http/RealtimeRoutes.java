package org.civicpress.realtime.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.separateOnSlashes;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.model.ws.Message;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.ThrottleMode;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.RealtimeError;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RejectReason;
import org.civicpress.realtime.room.RoomSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP surface of a node: {@code GET <path>/{roomId}} (WebSocket, y-websocket protocol),
 * {@code GET /health} and {@code /ready} (200 when serving, 503 while starting or shutting down),
 * {@code GET /alive} (200 while the process runs), {@code GET /metrics} (Prometheus text format).
 */
final class RealtimeRoutes extends AllDirectives {
    private static final Logger log = LoggerFactory.getLogger(RealtimeRoutes.class);
    private final ActorSystem<?> system;
    private final String path;
    private final RoomSettings roomSettings;
    private final int outgoingBufferMessages;
    private final BooleanSupplier ready;
    private final WebSocketSettings webSocketSettings;
    private final LoggingAdapter wsLog;
    private final OpenSockets openSockets = new OpenSockets();
    private final RealtimeMetrics metrics;
    private final ConnectionLimiter connectionLimiter;
    private final int messagesPerSecond;

    RealtimeRoutes(ActorSystem<?> system, String path, RoomSettings roomSettings, int outgoingBufferMessages,
                   BooleanSupplier ready, RealtimeMetrics metrics) {
        this(system, path, roomSettings, outgoingBufferMessages, ready, metrics, RealtimeConfig.RateLimiting.DEFAULTS);
    }

    /**
     * Rate limits ({@code rate_limiting.*}): a WebSocket over {@code connections_per_ip} (or, once users are
     * authenticated, {@code connections_per_user}) is accepted and closed at once with 4429 (a y-websocket
     * client sees the code in its close event, then reconnects with its backoff); client messages are
     * SHAPED, never refused: a token bucket of {@code messages_per_second} with a burst of 60 s worth of
     * messages delays reading from the socket, so a flood is slowed by TCP backpressure while bursts of
     * typing pass untouched.
     */
    RealtimeRoutes(ActorSystem<?> system, String path, RoomSettings roomSettings, int outgoingBufferMessages,
                   BooleanSupplier ready, RealtimeMetrics metrics, RealtimeConfig.RateLimiting rateLimiting) {
        this.connectionLimiter = new ConnectionLimiter(rateLimiting.connectionsPerIp(),
                rateLimiting.connectionsPerUser());
        this.messagesPerSecond = rateLimiting.messagesPerSecond();
        this.metrics = metrics;
        this.system = system;
        this.path = trimSlashes(path);
        this.roomSettings = roomSettings;
        this.outgoingBufferMessages = outgoingBufferMessages;
        this.ready = ready;
        this.webSocketSettings = ServerSettings.apply(system.settings().config()).websocketSettings();
        this.wsLog = Logging.getLogger(system.classicSystem(), "org.civicpress.realtime.http.WebSocket");
    }

    OpenSockets openSockets() {
        return openSockets;
    }

    Route route() {
        return concat(
                pathPrefix(separateOnSlashes(path), () -> path(segment(), this::room)),
                new PageRoutes(path).route(), // GET /demo, /assets/*: the browser pages (PageRoutes.PAGES)
                path("alive", () -> get(() -> json(StatusCodes.OK, "{\"status\":\"alive\"}"))),
                path("health", () -> get(this::readiness)),
                path("ready", () -> get(this::readiness)),
                path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(
                        ContentTypes.create(MediaTypes.TEXT_PLAIN, HttpCharsets.UTF_8), metrics.scrape())))));
    }

    private Route readiness() {
        return ready.getAsBoolean()
                ? json(StatusCodes.OK, "{\"status\":\"ok\"}")
                : json(StatusCodes.SERVICE_UNAVAILABLE, "{\"status\":\"unavailable\"}");
    }

    private Route room(String roomId) {
        if (!RoomIds.isValid(roomId)) {
            return error(new InvalidRoomIdError(roomId));
        }
        return extractRequest(request -> {
            Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
            if (upgrade.isEmpty() || !(upgrade.get() instanceof UpgradeToWebSocketLowLevel lowLevel)) {
                return error(new NotAWebSocketError(roomId));
            }
            String remote = remoteAddress(request);
            String correlationId = correlationId(request);
            if (!ready.getAsBoolean()) {
                // Shutting down: no new clients here (rooms are being handed off); go to another node or wait.
                return complete(CustomCloseFrames.serve(lowLevel, closing(CloseCodes.SERVICE_RESTART.code(),
                        "server shutting down, reconnect"), webSocketSettings, wsLog));
            }
            // Anonymous connections (no authentication on this route yet): limited per IP only.
            ConnectionLimiter.Outcome outcome = connectionLimiter.tryOpen(remote, null);
            if (!outcome.granted()) {
                metrics.messageRejected(RejectReason.RATE_LIMITED);
                log.warn("WebSocket for room {} from {} refused (correlationId {}): too many connections per {}",
                        roomId, remote, correlationId, outcome.refusal() == ConnectionLimiter.Refusal.IP ? "IP" : "user");
                return complete(CustomCloseFrames.serve(lowLevel, refused(outcome.refusal()), webSocketSettings, wsLog));
            }
            ConnectionLimiter.Lease lease = outcome.lease();
            Flow<Message, Message, NotUsed> connection = Flow.<Message>create()
                    .throttle(messagesPerSecond, Duration.ofSeconds(1), burst(messagesPerSecond), ThrottleMode.shaping())
                    .via(ConnectionFlow.create(system, roomId, remote, correlationId, roomSettings,
                            outgoingBufferMessages, openSockets, metrics))
                    .watchTermination((notUsed, done) -> {
                        // Not whenComplete: on a Scala-backed stage it runs on the common pool, a new thread per
                        // call on a 1-CPU machine. release() is cheap and thread-safe: run it where it completes.
                        done.whenCompleteAsync((ok, error) -> lease.release(), Runnable::run);
                        return notUsed;
                    });
            return complete(CustomCloseFrames.serve(lowLevel, connection, webSocketSettings, wsLog));
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

    /** The caller's X-Correlation-Id / X-Request-Id when sane, else a fresh id: it ties log lines together. */
    private static String correlationId(HttpRequest request) {
        for (String header : new String[] {"X-Correlation-Id", "X-Request-Id"}) {
            Optional<String> value = request.getHeader(header).map(h -> h.value().strip());
            if (value.isPresent() && value.get().matches("[A-Za-z0-9._:-]{1,64}")) {
                return value.get();
            }
        }
        return UUID.randomUUID().toString();
    }

    private static String remoteAddress(HttpRequest request) {
        return request.getAttribute(AttributeKeys.remoteAddress)
                .flatMap(address -> address.getAddress().map(inet -> inet.getHostAddress()))
                .orElse("unknown");
    }

    private Route error(RealtimeError error) {
        return json(StatusCodes.get(error.httpStatus()), error.toJson());
    }

    private Route json(org.apache.pekko.http.javadsl.model.StatusCode status, String body) {
        return complete(HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body));
    }

    private static String trimSlashes(String path) {
        String trimmed = path == null ? "realtime" : path.strip();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? "realtime" : trimmed;
    }
}
