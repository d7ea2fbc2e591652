package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.civicpress.realtime.auth.DevToken;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.RecentHookEvents;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RoomManager;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.services.DefaultAuthService;
import org.civicpress.realtime.services.InMemoryCacheService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API's events, stream and admin check through real HTTP on the production routes, with the real
 * auth service (HS256 tokens minted by DevToken) and one node in anonymous mode. The cluster and room answers
 * need a running cluster: AdminPageIT checks them on the real server.
 */
class AdminRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SECRET = "admin-routes-test-secret-0123456789abcdef";
    private static ActorSystem<Void> system;
    private static final RecentHookEvents events = new RecentHookEvents(5);
    private static int authPort;
    private static int openPort;

    @BeforeAll
    static void bind() throws Exception {
        system = ActorSystem.create(
                Behaviors.empty(),
                "admin-routes-test",
                ConfigFactory.parseString(
                                """
                pekko.loglevel = WARNING
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                """)
                        .withFallback(ConfigFactory.load()));
        RealtimeConfig.Auth.Jwt jwt = new RealtimeConfig.Auth.Jwt(
                SECRET,
                null,
                null,
                null,
                null,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2));
        RealtimeConfig.Auth authOn =
                new RealtimeConfig.Auth(false, null, Duration.ofSeconds(60), jwt, null, 32, 256 * 1024);
        authPort = bind(DefaultAuthService.create(authOn, new InMemoryCacheService(), Clock.systemUTC()));
        openPort = bind(
                DefaultAuthService.create(RealtimeConfig.Auth.DEFAULTS, new InMemoryCacheService(), Clock.systemUTC()));
    }

    private static int bind(DefaultAuthService auth) throws Exception {
        AdminRoutes admin =
                new AdminRoutes(system, new RoomManager(system, Duration.ofSeconds(2)), events, new AdminAuth(auth));
        RealtimeRoutes routes = new RealtimeRoutes(
                system,
                "/realtime",
                RoomSettings.defaults(),
                64,
                new ServerState(),
                new RealtimeMetrics(),
                RealtimeConfig.RateLimiting.DEFAULTS,
                auth,
                RealtimeConfig.Auth.DEFAULTS,
                admin,
                null,
                null);
        ServerBinding binding = Http.get(system)
                .newServerAt("127.0.0.1", 0)
                .withSettings(HttpErrors.serverSettings(system.settings().config()))
                .bind(routes.route())
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return binding.localAddress().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static String token(String... args) {
        List<String> all = new ArrayList<>(List.of("--secret", SECRET));
        all.addAll(List.of(args));
        return DevToken.mint(all.toArray(String[]::new), Map.of(), Clock.systemUTC());
    }

    private static HttpResponse<String> get(int port, String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withAuthOnOnlyAnAdminTokenFromTheHeaderOrTheQueryGetsIn() throws Exception {
        String admin = token("--sub", "root", "--role", "realtime:admin");
        String editor = token("--sub", "bob", "--room", "*=write");
        HttpResponse<String> none = get(authPort, "/api/events", null);
        assertEquals(401, none.statusCode());
        JsonNode error = JSON.readTree(none.body()).path("error");
        assertEquals("AUTHENTICATION_FAILED", error.path("code").asText());
        assertEquals("MISSING_TOKEN", error.path("details").path("reason").asText());
        assertEquals(
                none.headers().firstValue(CorrelationIds.HEADER).orElseThrow(),
                error.path("correlationId").asText());
        HttpResponse<String> forged =
                get(authPort, "/api/events", token("--sub", "x", "--role", "realtime:admin") + "x");
        assertEquals(401, forged.statusCode(), forged.body());
        HttpResponse<String> notAdmin = get(authPort, "/api/events", editor);
        assertEquals(403, notAdmin.statusCode());
        assertEquals(
                "PERMISSION_DENIED",
                JSON.readTree(notAdmin.body()).path("error").path("code").asText());
        assertEquals(200, get(authPort, "/api/events", admin).statusCode());
        assertEquals(200, get(authPort, "/api/events?token=" + admin, null).statusCode());
        assertEquals(403, get(authPort, "/api/events?token=" + editor, null).statusCode());
        assertEquals(401, get(authPort, "/api/rooms/r1", null).statusCode(), "refused before the room is asked");
        // Paths the inspector does not own stay free for other routes: here, nobody's (404).
        assertEquals(404, get(authPort, "/api/rooms/r1/history", admin).statusCode());
        assertEquals(404, get(authPort, "/api/nothing", admin).statusCode());
        assertEquals(
                405,
                HTTP.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + authPort + "/api/events"))
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .header("Authorization", "Bearer " + admin)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode(),
                "read-only");
    }

    @Test
    void recentEventsAreListedThenStreamedLiveAsServerSentEvents() throws Exception {
        for (int i = 0; i < 7; i++)
            events.accept(HookEvent.ofRoom(HookEvents.ROOM_CREATED, "listed-" + i, "n1", Map.of()));
        HttpResponse<String> listed = get(openPort, "/api/events", null);
        assertEquals(200, listed.statusCode(), "anonymous mode: open");
        assertEquals("no-store", listed.headers().firstValue("Cache-Control").orElse(""));
        JsonNode body = JSON.readTree(listed.body());
        assertEquals(5, body.path("capacity").asInt());
        List<String> rooms = new ArrayList<>();
        body.path("events").forEach(e -> rooms.add(e.path("roomId").asText()));
        assertEquals(
                List.of("listed-2", "listed-3", "listed-4", "listed-5", "listed-6"), rooms, "the last 5, oldest first");
        assertEquals(
                HookEvents.ROOM_CREATED,
                body.path("events").get(0).path("event").asText());

        try (Socket socket = openStream(openPort)) {
            BufferedReader lines =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> head = new ArrayList<>();
            for (String line = lines.readLine(); line != null && !line.isEmpty(); line = lines.readLine())
                head.add(line);
            assertEquals("HTTP/1.1 200 OK", head.get(0));
            assertTrue(
                    head.stream().anyMatch(h -> h.equalsIgnoreCase("Content-Type: text/event-stream")),
                    head.toString());
            assertTrue(head.stream().anyMatch(h -> h.equalsIgnoreCase("Cache-Control: no-store")), head.toString());
            List<JsonNode> received = new ArrayList<>();
            long replayed = 0;
            String line;
            while (received.size() < 6 && (line = lines.readLine()) != null) {
                int data = line.indexOf("data:"); // chunked: a chunk-size line may precede it
                if (data >= 0) {
                    received.add(JSON.readTree(line.substring(data + 5).strip()));
                    if (received.size() == 5) {
                        replayed = received.get(4).path("seq").asLong();
                        events.accept(HookEvent.ofClient(
                                HookEvents.CLIENT_CONNECTED, "live", "n1", "c9", "alice", "corr-1", Map.of()));
                    }
                } else if (line.contains("event:")) {
                    assertTrue(line.matches(".*event: ?hook"), line);
                }
            }
            assertEquals(6, received.size());
            assertEquals("listed-2", received.get(0).path("roomId").asText(), "the recent events first");
            JsonNode live = received.get(5);
            assertEquals("live", live.path("roomId").asText());
            assertEquals("alice", live.path("userId").asText());
            assertEquals("corr-1", live.path("correlationId").asText());
            assertEquals(replayed + 1, live.path("seq").asLong(), "no gap, no repeat between the replay and live");
            assertEquals(1, events.subscribers());
        }
        assertTrue(waitFor(() -> events.subscribers() == 0), "the closed stream unsubscribed (at the next heartbeat)");
    }

    @Test
    void streamsPerNodeAreCapped() throws Exception {
        assertTrue(waitFor(() -> events.subscribers() == 0), "no stream left by another test");
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < AdminRoutes.MAX_STREAMS; i++) {
                Socket s = openStream(openPort);
                assertTrue(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine()
                        .startsWith("HTTP/1.1 200"));
                open.add(s);
            }
            assertTrue(waitFor(() -> events.subscribers() == AdminRoutes.MAX_STREAMS));
            HttpResponse<String> refused = get(openPort, "/api/events/stream", null);
            assertEquals(429, refused.statusCode());
            assertEquals(
                    "CONNECTION_LIMIT_EXCEEDED",
                    JSON.readTree(refused.body()).path("error").path("code").asText());
        } finally {
            for (Socket s : open) s.close();
        }
        assertTrue(waitFor(() -> events.subscribers() == 0), "closed streams unsubscribe");
    }

    @Test
    void aStreamWhoseReaderDoesNotReadIsDroppedNotBuffered() throws Exception {
        assertTrue(waitFor(() -> events.subscribers() == 0), "no stream left by another test");
        try (Socket stalled = openStream(openPort)) {
            stalled.getInputStream().read(); // the response started; from now on nobody reads
            assertTrue(waitFor(() -> events.subscribers() == 1));
            String big = "x".repeat(16 * 1024);
            // Far more than the socket buffers hold: the server's queue of 64 fills and the stream is dropped.
            for (int i = 0; i < 4000 && events.subscribers() > 0; i++) {
                events.accept(HookEvent.ofRoom(HookEvents.SNAPSHOT_SAVED, "flood", "n1", Map.of("pad", big)));
            }
            assertEquals(0, events.subscribers(), "dropped once " + AdminRoutes.STREAM_BUFFER + " events behind");
        }
    }

    /** A GET of the event stream on a plain socket: closing it is a real disconnect. */
    private static Socket openStream(int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        socket.getOutputStream()
                .write(("GET /api/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Accept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Waits up to three heartbeats: a closed stream is noticed when the server next writes to it. */
    private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline =
                System.nanoTime() + AdminRoutes.HEARTBEAT.multipliedBy(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(50);
        }
        return condition.getAsBoolean();
    }
}
