package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.event.Logging;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RoomSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-connection stream with a scripted actor in place of ClientConnection: frames reach the actor,
 * the actor's close code reaches the client, and a client that stops reading is disconnected with 1013
 * instead of queueing without bound.
 */
class ConnectionFlowTest extends AllDirectives {
    private static final int BUFFER = 64;
    private static ActorSystem<Void> system;
    private static ServerBinding binding;
    private static final AtomicInteger framesSeen = new AtomicInteger();
    private static final RealtimeMetrics METRICS = new RealtimeMetrics();

    private static RoomSettings smallMessages() {
        RoomSettings d = RoomSettings.defaults();
        return new RoomSettings(
                d.snapshotEveryUpdates(),
                d.snapshotInterval(),
                d.snapshotsEnabled(),
                d.deleteEventsOnSnapshot(),
                d.cleanupTimeout(),
                d.maxRoomsPerNode(),
                d.awarenessTimeout(),
                1024,
                d.nodeName());
    }

    @BeforeAll
    static void startServer() throws Exception {
        system = ActorSystem.create(
                Behaviors.empty(),
                "connection-flow-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.actor.provider = local")
                        .withFallback(ConfigFactory.load()));
        binding = Http.get(system)
                .newServerAt("127.0.0.1", 0)
                .bind(new ConnectionFlowTest().route())
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** "flood" -> 20,000 frames of 16 KiB (one shared array); "close" -> 4403; anything else is counted. */
    private static org.apache.pekko.actor.typed.Behavior<ClientConnection.Command> scripted(
            org.apache.pekko.actor.typed.ActorRef<SocketOut> socket) {
        byte[] chunk = new byte[16 * 1024];
        return Behaviors.receive(ClientConnection.Command.class)
                .onMessage(ClientConnection.FromSocket.class, message -> {
                    String text = new String(message.message(), StandardCharsets.ISO_8859_1);
                    if (text.equals("flood")) {
                        for (int i = 0; i < 20_000; i++) {
                            socket.tell(new SocketOut.Frame(chunk));
                        }
                    } else if (text.equals("close")) {
                        socket.tell(new SocketOut.CloseSocket(4403, "not allowed"));
                        return Behaviors.stopped();
                    } else {
                        framesSeen.incrementAndGet();
                    }
                    return Behaviors.same();
                })
                .onMessage(ClientConnection.SocketClosed.class, closed -> Behaviors.stopped())
                .onMessage(ClientConnection.SocketFailed.class, failed -> Behaviors.stopped())
                .build();
    }

    private Route route() {
        var wsSettings = ServerSettings.apply(system.settings().config()).websocketSettings();
        var log = Logging.getLogger(system.classicSystem(), "test");
        return extractRequest(request -> {
            var upgrade = (UpgradeToWebSocketLowLevel)
                    request.getAttribute(AttributeKeys.webSocketUpgrade).orElseThrow();
            // "/small": a 1 KiB message limit, counted in the shared METRICS.
            boolean small = request.getUri().path().endsWith("/small");
            RoomSettings settings = small ? smallMessages() : RoomSettings.defaults();
            var flow = ConnectionFlow.create(
                    system,
                    "room",
                    "127.0.0.1",
                    settings,
                    BUFFER,
                    new OpenSockets(),
                    small ? METRICS : new RealtimeMetrics(),
                    (connectionId, socket) -> scripted(socket));
            return complete(CustomCloseFrames.serve(upgrade, flow, wsSettings, log));
        });
    }

    @Test
    void framesReachTheConnectionAndItsCloseCodeReachesTheClient() throws Exception {
        Client client = Client.connect(binding.localAddress().getPort(), true);
        int before = framesSeen.get();
        client.send("one");
        client.send("two");
        client.send("close");
        assertEquals(4403, client.closeCode.get(20, TimeUnit.SECONDS));
        assertEquals("not allowed", client.closeReason);
        assertEquals(before + 2, framesSeen.get());
    }

    @Test
    void aClientThatStopsReadingIsClosedWith1013() throws Exception {
        Client client = Client.connect(binding.localAddress().getPort(), false);
        // 20,000 frames are queued in microseconds, far faster than 320 MiB can leave through TCP: the
        // 64-message queue overflows whether or not the client reads; it then reads what was sent.
        client.send("flood");
        client.readFreely();
        assertEquals(ConnectionFlow.CLOSE_TOO_SLOW, client.closeCode.get(60, TimeUnit.SECONDS));
        assertTrue(client.received.get() < 20_000, "the connection was cut before all frames were queued");
    }

    @Test
    void aMessageOverTheLimitIsClosedWith1009AndCountedOnceAsTooBig() throws Exception {
        Client whole = Client.connect(binding.localAddress().getPort(), true, "/small");
        whole.send("x".repeat(1025));
        assertEquals(1009, whole.closeCode.get(20, TimeUnit.SECONDS));
        // A fragmented message over the limit is reported twice inside the flow (while streaming and at its end).
        Client fragmented = Client.connect(binding.localAddress().getPort(), true, "/small");
        fragmented.socket.sendBinary(ByteBuffer.wrap(new byte[800]), false).get(10, TimeUnit.SECONDS);
        fragmented.socket.sendBinary(ByteBuffer.wrap(new byte[800]), true).get(10, TimeUnit.SECONDS);
        assertEquals(1009, fragmented.closeCode.get(20, TimeUnit.SECONDS));
        assertTrue(
                METRICS.scrape().contains("realtime_messages_rejected_total{reason=\"too_big\"} 2"), METRICS.scrape());
    }

    private static final class Client implements WebSocket.Listener {
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final AtomicInteger received = new AtomicInteger();
        volatile String closeReason;
        volatile boolean reading;
        WebSocket socket;

        static Client connect(int port, boolean reading) throws Exception {
            return connect(port, reading, "/ws");
        }

        static Client connect(int port, boolean reading, String path) throws Exception {
            Client client = new Client();
            client.reading = reading;
            client.socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + path), client)
                    .get(20, TimeUnit.SECONDS);
            return client;
        }

        void send(String text) throws Exception {
            socket.sendBinary(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)), true)
                    .get(10, TimeUnit.SECONDS);
        }

        void readFreely() {
            reading = true;
            socket.request(Long.MAX_VALUE);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            if (reading) {
                webSocket.request(Long.MAX_VALUE);
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last) {
                received.incrementAndGet();
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
