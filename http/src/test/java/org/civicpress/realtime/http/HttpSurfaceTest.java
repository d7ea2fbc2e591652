package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.errors.ErrorCode;
import org.civicpress.realtime.errors.PermissionDeniedError;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.services.DefaultAuthService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface through real HTTP requests on a bound port (the production routes and binding settings):
 * every error, whatever produced it, is the JSON body with the request's correlation id, which is also the
 * response header and the MDC value of the error's log line; health, readiness and the WebSocket route
 * follow the node's phase; /metrics carries the Prometheus text-format version.
 */
class HttpSurfaceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ServerState STATE = new ServerState();
    private static ActorSystem<Void> system;
    private static ServerBinding routes;
    private static ServerBinding failing;
    private static ListAppender<ILoggingEvent> logged;

    @BeforeAll
    static void bind() throws Exception {
        system = ActorSystem.create(
                Behaviors.empty(),
                "http-surface-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.actor.provider = local")
                        .withFallback(ConfigFactory.load()));
        RealtimeRoutes realtime = new RealtimeRoutes(
                system,
                "/realtime",
                RoomSettings.defaults(),
                64,
                STATE,
                new RealtimeMetrics(),
                RealtimeConfig.RateLimiting.DEFAULTS,
                new DefaultAuthService(RealtimeConfig.Auth.DEFAULTS, null, null, java.time.Clock.systemUTC()),
                RealtimeConfig.Auth.DEFAULTS,
                null,
                null,
                null);
        routes = bind(realtime.route());
        failing = bind(new FailingRoutes().route());
        logged = new ListAppender<>();
        logged.start();
        Logger errors = (Logger) LoggerFactory.getLogger(HttpErrors.class);
        errors.addAppender(logged);
        errors.setLevel(Level.INFO);
    }

    private static ServerBinding bind(Route route) throws Exception {
        return Http.get(system)
                .newServerAt("127.0.0.1", 0)
                .withSettings(HttpErrors.serverSettings(system.settings().config()))
                .bind(route)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(HttpErrors.class)).detachAppender(logged);
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Routes that fail the way code behind a route can: inside the same wrapper as the real routes. */
    private static final class FailingRoutes extends AllDirectives {
        Route route() {
            return HttpErrors.withCorrelationAndJsonErrors(id -> concat(
                    path(
                            "boom",
                            () -> extractRequest(request -> {
                                throw new IllegalStateException("secret internals");
                            })),
                    path(
                            "denied",
                            () -> extractRequest(request -> {
                                throw new PermissionDeniedError("not your room", Map.of("roomId", "r1"));
                            }))));
        }
    }

    @Test
    void anUnknownPathIsAJsonNotFoundWithAGeneratedCorrelationIdInHeaderBodyAndLog() throws Exception {
        HttpResponse<String> response = send(routes, "GET", "/no/such/thing", Map.of());
        JsonNode error = errorOf(response, 404, ErrorCode.NOT_FOUND);
        String id = response.headers().firstValue(CorrelationIds.HEADER).orElseThrow();
        assertEquals(id, error.path("correlationId").asText());
        assertEquals(36, id.length(), "a generated UUID: " + id);
        assertEquals("/no/such/thing", error.path("details").path("path").asText());
        assertLogged(id, Level.INFO, "404 NOT_FOUND");
    }

    @Test
    void theCallersCorrelationIdIsHonouredElseItsRequestIdUnlessInsane() throws Exception {
        HttpResponse<String> own = send(
                routes,
                "GET",
                "/nope",
                Map.of(CorrelationIds.HEADER, "client-abc.1", CorrelationIds.REQUEST_ID_HEADER, "proxy-2"));
        assertEquals(
                "client-abc.1", own.headers().firstValue(CorrelationIds.HEADER).orElseThrow());
        assertEquals(
                "client-abc.1",
                errorOf(own, 404, ErrorCode.NOT_FOUND).path("correlationId").asText());

        HttpResponse<String> proxy = send(routes, "GET", "/nope", Map.of(CorrelationIds.REQUEST_ID_HEADER, "proxy-2"));
        assertEquals(
                "proxy-2",
                errorOf(proxy, 404, ErrorCode.NOT_FOUND).path("correlationId").asText());

        HttpResponse<String> insane = send(
                routes,
                "GET",
                "/nope",
                Map.of(CorrelationIds.HEADER, "x".repeat(65), CorrelationIds.REQUEST_ID_HEADER, "has space"));
        String generated =
                errorOf(insane, 404, ErrorCode.NOT_FOUND).path("correlationId").asText();
        assertEquals(36, generated.length(), generated);
        assertEquals(
                generated, insane.headers().firstValue(CorrelationIds.HEADER).orElseThrow());

        // Successful responses carry the id too.
        HttpResponse<String> alive = send(routes, "GET", "/alive", Map.of(CorrelationIds.HEADER, "probe-7"));
        assertEquals(200, alive.statusCode());
        assertEquals(
                "probe-7", alive.headers().firstValue(CorrelationIds.HEADER).orElseThrow());
    }

    @Test
    void aWrongMethodIsAJsonMethodNotAllowed() throws Exception {
        HttpResponse<String> response = send(routes, "POST", "/health", Map.of(CorrelationIds.HEADER, "m-1"));
        JsonNode error = errorOf(response, 405, ErrorCode.METHOD_NOT_ALLOWED);
        assertTrue(error.path("message").asText().contains("GET"), error.toString());
        assertEquals("POST", error.path("details").path("method").asText());
        assertLogged("m-1", Level.INFO, "405 METHOD_NOT_ALLOWED");
    }

    @Test
    void roomPathErrorsCarryTheRequestsCorrelationId() throws Exception {
        HttpResponse<String> badId = send(routes, "GET", "/realtime/bad!id", Map.of(CorrelationIds.HEADER, "r-1"));
        JsonNode error = errorOf(badId, 400, ErrorCode.INVALID_ROOM_ID);
        assertEquals("r-1", error.path("correlationId").asText());
        assertEquals("bad!id", error.path("details").path("roomId").asText());
        assertLogged("r-1", Level.INFO, "400 INVALID_ROOM_ID");

        HttpResponse<String> plain = send(routes, "GET", "/realtime/room-1", Map.of(CorrelationIds.HEADER, "r-2"));
        assertEquals(
                "r-2",
                errorOf(plain, 400, ErrorCode.WEBSOCKET_UPGRADE_REQUIRED)
                        .path("correlationId")
                        .asText());
    }

    @Test
    void exceptionsAreJsonAndInternalsStayInTheLog() throws Exception {
        HttpResponse<String> boom = send(failing, "GET", "/boom", Map.of(CorrelationIds.HEADER, "e-1"));
        JsonNode error = errorOf(boom, 500, ErrorCode.REALTIME_ERROR);
        assertEquals("Internal error", error.path("message").asText());
        assertFalse(boom.body().contains("secret internals"), boom.body());
        assertEquals("e-1", error.path("correlationId").asText());
        ILoggingEvent line = assertLogged("e-1", Level.ERROR, "500 REALTIME_ERROR");
        assertTrue(line.getFormattedMessage().contains("secret internals"), line.getFormattedMessage());
        assertTrue(line.getThrowableProxy() != null, "the stack trace is logged");

        // A typed error thrown deeper down keeps its code and status and is reported under the request's id.
        HttpResponse<String> denied = send(failing, "GET", "/denied", Map.of(CorrelationIds.HEADER, "e-2"));
        JsonNode typed = errorOf(denied, 403, ErrorCode.PERMISSION_DENIED);
        assertEquals("e-2", typed.path("correlationId").asText());
        assertEquals("r1", typed.path("details").path("roomId").asText());
    }

    @Test
    void aRequestTooMalformedToRouteIsJsonToo() throws Exception {
        String raw = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nthis line is no header\r\n\r\n";
        String response = rawRequest(routes, raw);
        String head = response.substring(0, response.indexOf("\r\n\r\n"));
        assertTrue(head.startsWith("HTTP/1.1 400"), response);
        assertTrue(head.toLowerCase().contains("content-type: application/json"), response);
        assertTrue(head.toLowerCase().contains("x-correlation-id: "), response);
        JsonNode error = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4))
                .path("error");
        assertEquals("BAD_REQUEST", error.path("code").asText(), response);
        assertEquals(36, error.path("correlationId").asText().length(), response);
    }

    @Test
    void healthReadinessAndWebSocketsFollowThePhase() throws Exception {
        // Starting (the port is bound before the rooms are up): alive, not ready, WebSockets told to come back.
        assertEquals(ServerState.Phase.STARTING, STATE.phase());
        assertEquals(200, send(routes, "GET", "/alive", Map.of()).statusCode());
        for (String path : List.of("/health", "/ready")) {
            HttpResponse<String> starting = send(routes, "GET", path, Map.of());
            assertEquals(503, starting.statusCode(), path);
            assertEquals(
                    "starting", JSON.readTree(starting.body()).path("status").asText(), path);
        }
        assertEquals("1012 server starting, reconnect", closeOfWebSocket("/realtime/room-1"));
        // The upgrade response carries the connection's correlation id too.
        String upgrade = rawRequest(
                routes,
                "GET /realtime/room-1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\nX-Correlation-Id: ws-1\r\n\r\n");
        String upgradeHead = upgrade.substring(0, upgrade.indexOf("\r\n\r\n"));
        assertTrue(upgradeHead.startsWith("HTTP/1.1 101"), upgrade);
        assertTrue(upgradeHead.contains("X-Correlation-Id: ws-1"), upgradeHead);

        assertTrue(STATE.markReady());
        for (String path : List.of("/health", "/ready")) {
            HttpResponse<String> ready = send(routes, "GET", path, Map.of());
            assertEquals(200, ready.statusCode(), path);
            assertEquals("ok", JSON.readTree(ready.body()).path("status").asText(), path);
        }

        STATE.markStopping();
        assertFalse(STATE.markReady(), "a stopping node never becomes ready again");
        HttpResponse<String> stopping = send(routes, "GET", "/ready", Map.of());
        assertEquals(503, stopping.statusCode());
        assertEquals("stopping", JSON.readTree(stopping.body()).path("status").asText());
        assertEquals("1012 server shutting down, reconnect", closeOfWebSocket("/realtime/room-1"));
    }

    @Test
    void metricsDeclareThePrometheusTextFormatVersion() throws Exception {
        HttpResponse<String> metrics = send(routes, "GET", "/metrics", Map.of());
        assertEquals(200, metrics.statusCode());
        String contentType =
                metrics.headers().firstValue("Content-Type").orElseThrow().toLowerCase();
        assertTrue(contentType.startsWith("text/plain"), contentType);
        assertTrue(contentType.contains("version=0.0.4"), contentType);
        assertTrue(contentType.contains("charset=utf-8"), contentType);
        assertTrue(metrics.body().contains("realtime_connections_active"), metrics.body());
    }

    @Test
    void theServerHandleTellsWhereToConnect() {
        RunningServer server = new RunningServer(system, "0.0.0.0", "/realtime/", STATE);
        int port = routes.localAddress().getPort();
        server.bound(routes);
        assertEquals(port, server.port());
        assertEquals("/realtime", server.path());
        assertEquals("ws://localhost:" + port + "/realtime/<roomId>", server.webSocketUrl("<roomId>"));
        assertEquals(STATE.isReady(), server.isReady());
        RunningServer loopback = new RunningServer(system, "127.0.0.1", "collab", STATE);
        loopback.bound(routes);
        assertEquals("ws://127.0.0.1:" + port + "/collab/r1", loopback.webSocketUrl("r1"));
    }

    private static JsonNode errorOf(HttpResponse<String> response, int status, ErrorCode code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(status, code.httpStatus());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals(code.name(), error.path("code").asText(), response.body());
        assertFalse(error.path("message").asText().isBlank(), response.body());
        assertTrue(error.path("details").isObject(), response.body());
        return error;
    }

    /** The log line of the error answered under {@code id}: logged once, with the id in the MDC. */
    private static ILoggingEvent assertLogged(String id, Level level, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<ILoggingEvent> lines;
            synchronized (logged) {
                lines = List.copyOf(logged.list);
            }
            List<ILoggingEvent> mine = lines.stream()
                    .filter(e -> id.equals(e.getMDCPropertyMap().get(CorrelationIds.MDC_KEY)))
                    .toList();
            if (!mine.isEmpty()) {
                assertEquals(1, mine.size(), "logged once: " + mine);
                ILoggingEvent line = mine.get(0);
                assertEquals(level, line.getLevel(), line.getFormattedMessage());
                assertTrue(line.getFormattedMessage().contains(text), line.getFormattedMessage());
                return line;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no log line with correlationId " + id);
    }

    private static HttpResponse<String> send(
            ServerBinding binding, String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String rawRequest(ServerBinding binding, String raw) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            // Pekko closes the connection after a parsing error: read to the end.
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Opens a WebSocket on {@code path}; returns "code reason" of the close frame the server sends. */
    private static String closeOfWebSocket(String path) throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        HTTP.newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + routes.localAddress().getPort() + path),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                closed.complete(statusCode + " " + reason);
                                return null;
                            }

                            @Override
                            public void onError(WebSocket webSocket, Throwable error) {
                                closed.completeExceptionally(error);
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        String close = closed.get(10, TimeUnit.SECONDS);
        assertNotEquals("", close);
        return close;
    }
}
