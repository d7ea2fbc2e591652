package org.civicpress.realtime.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.separateOnSlashes;

import java.util.Optional;
import java.util.function.BooleanSupplier;
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
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.civicpress.realtime.errors.RealtimeError;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RoomSettings;

/**
 * HTTP surface of a node: {@code GET <path>/{roomId}} (WebSocket, y-websocket protocol),
 * {@code GET /health} and {@code /ready} (200 when serving, 503 while starting or shutting down),
 * {@code GET /alive} (200 while the process runs), {@code GET /metrics} (Prometheus text format).
 */
final class RealtimeRoutes extends AllDirectives {
    private final ActorSystem<?> system;
    private final String path;
    private final RoomSettings roomSettings;
    private final int outgoingBufferMessages;
    private final BooleanSupplier ready;
    private final WebSocketSettings webSocketSettings;
    private final LoggingAdapter wsLog;
    private final OpenSockets openSockets = new OpenSockets();
    private final RealtimeMetrics metrics;

    RealtimeRoutes(ActorSystem<?> system, String path, RoomSettings roomSettings, int outgoingBufferMessages,
                   BooleanSupplier ready, RealtimeMetrics metrics) {
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
            return complete(CustomCloseFrames.serve(lowLevel,
                    ConnectionFlow.create(system, roomId, remote, roomSettings, outgoingBufferMessages, openSockets,
                            metrics),
                    webSocketSettings, wsLog));
        });
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
