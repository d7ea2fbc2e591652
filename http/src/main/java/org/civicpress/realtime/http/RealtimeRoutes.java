package org.civicpress.realtime.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;
import static org.apache.pekko.http.javadsl.server.PathMatchers.separateOnSlashes;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatcher0;
import org.apache.pekko.http.javadsl.server.Route;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.services.AuthService;

/**
 * HTTP surface of a node, a thin translation layer: {@code GET <path>/{roomId}} (WebSocket, y-websocket
 * protocol; admission in {@link RoomSockets}), {@code GET /health} and {@code /ready} (200 when serving, 503
 * while starting or shutting down), {@code GET /alive} (200 while the process runs), {@code GET /metrics}
 * (Prometheus text format 0.0.4; loopback clients, or an admin token when auth is on: {@link AdminAuth}), the
 * pages ({@link PageRoutes}) and the admin API ({@link AdminRoutes}). Every request has a correlation id and every
 * error is JSON ({@link HttpErrors}).
 */
final class RealtimeRoutes extends AllDirectives {
    /** {@code text/plain; version=0.0.4; charset=utf-8}: the version tells Prometheus which parser to use. */
    static final ContentType METRICS_CONTENT_TYPE = ContentTypes.parse(RealtimeMetrics.CONTENT_TYPE);

    private final String path;
    private final PathMatcher0 roomPath;
    private final ServerState state;
    private final RealtimeMetrics metrics;
    private final RoomSockets sockets;
    private final AdminAuth adminAuth;
    /** The admin inspector's API; null: not served (routes without a cluster, in tests). */
    private final AdminRoutes admin;
    /** {@code /api/rooms/{roomId}/...} history and audit; null = not served (tests without a journal). */
    private final HistoryRoutes history;

    /** The Hocuspocus endpoint's path (trimmed) and admission; null path = not served (tests of other routes). */
    private final String hocuspocusPath;

    private final HocuspocusSockets hocuspocus;

    RealtimeRoutes(
            ActorSystem<?> system,
            String path,
            RoomSettings roomSettings,
            int outgoingBufferMessages,
            ServerState state,
            RealtimeMetrics metrics,
            RealtimeConfig.RateLimiting rateLimiting,
            AuthService authService,
            RealtimeConfig.Auth auth,
            AdminRoutes admin,
            HistoryRoutes history,
            HocuspocusSockets hocuspocus) {
        this.admin = admin;
        this.history = history;
        this.path = trimSlashes(path);
        this.roomPath = separateOnSlashes(this.path);
        this.state = state;
        this.metrics = metrics;
        this.sockets = new RoomSockets(
                system, roomSettings, outgoingBufferMessages, state, metrics, rateLimiting, authService, auth);
        this.adminAuth = new AdminAuth(authService);
        this.hocuspocus = hocuspocus;
        this.hocuspocusPath = hocuspocus == null ? null : trimSlashes(hocuspocus.path());
    }

    OpenSockets openSockets() {
        return sockets.openSockets();
    }

    Route route() {
        return HttpErrors.withCorrelationAndJsonErrors(correlationId -> concat(
                hocuspocusRoute(correlationId),
                pathPrefix(roomPath, () -> path(segment(), roomId -> room(roomId, correlationId))),
                // The route tree below is built per request, and only for requests the WebSocket paths did not take:
                // a reconnect storm of thousands of upgrades does not pay for the pages, admin and history routes.
                extractRequestContext(notAWebSocket -> others(correlationId))));
    }

    private Route others(String correlationId) {
        return concat(
                new PageRoutes(path, hocuspocusPath)
                        .route(), // GET /demo, /assets/*: the browser pages (PageRoutes.PAGES)
                admin == null ? reject() : admin.route(correlationId), // GET /api/cluster, /api/rooms, /api/events
                history == null ? reject() : history.route(correlationId), // /api/rooms/{roomId}/history, ...
                path("alive", () -> get(() -> json(StatusCodes.OK, "{\"status\":\"alive\"}"))),
                path("health", () -> get(this::readiness)),
                path("ready", () -> get(this::readiness)),
                // The counters reveal cluster layout (rooms and connections per node): not for the public.
                path(
                        "metrics",
                        () -> get(() -> adminAuth.requireUnlessLoopback(
                                correlationId,
                                () -> complete(HttpResponse.create()
                                        .withEntity(
                                                METRICS_CONTENT_TYPE,
                                                metrics.scrape().getBytes(StandardCharsets.UTF_8)))))));
    }

    private Route readiness() {
        ServerState.Phase phase = state.phase();
        return json(
                phase == ServerState.Phase.READY ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                "{\"status\":\"" + phase.status() + "\"}");
    }

    private Route room(String roomId, String correlationId) {
        return extractRequest(request -> {
            if (!RoomIds.isValid(roomId)) {
                return HttpErrors.complete(new InvalidRoomIdError(roomId, correlationId), correlationId, request);
            }
            Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
            if (upgrade.isEmpty() || !(upgrade.get() instanceof UpgradeToWebSocketLowLevel lowLevel)) {
                return HttpErrors.complete(new NotAWebSocketError(roomId, correlationId), correlationId, request);
            }
            // The token is never logged: URLs with ?token= end up in proxy logs, ours never carry it.
            return complete(sockets.accept(
                    lowLevel, roomId, remoteAddress(request), correlationId, AdminAuth.tokenOf(request)));
        });
    }

    /** {@code GET <hocuspocus.path>}: one WebSocket, many documents (the name is in every frame). */
    private Route hocuspocusRoute(String correlationId) {
        if (hocuspocus == null) return reject();
        return pathPrefix(
                separateOnSlashes(hocuspocusPath),
                () -> pathEndOrSingleSlash(() -> extractRequest(request -> {
                    Optional<WebSocketUpgrade> upgrade = request.getAttribute(AttributeKeys.webSocketUpgrade);
                    if (upgrade.isEmpty() || !(upgrade.get() instanceof UpgradeToWebSocketLowLevel lowLevel)) {
                        return HttpErrors.complete(
                                new NotAWebSocketError(hocuspocusPath, correlationId), correlationId, request);
                    }
                    String remote = remoteAddress(request);
                    return complete(sockets.accept(
                            lowLevel,
                            "hocuspocus",
                            remote,
                            correlationId,
                            hocuspocus.connectionFactory(remote, correlationId)));
                })));
    }

    private static String remoteAddress(HttpRequest request) {
        return request.getAttribute(AttributeKeys.remoteAddress)
                .flatMap(address -> address.getAddress().map(inet -> inet.getHostAddress()))
                .orElse("unknown");
    }

    private Route json(StatusCode status, String body) {
        return complete(HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body));
    }

    static String trimSlashes(String path) {
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
