package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Graph;
import org.civicpress.realtime.connection.SocketIn;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Option;

/**
 * The frame-level WebSocket stage behind a real pekko-http server, with a scripted connection behind it: the
 * JDK's WebSocket client for what browsers do, and raw frames on a TCP socket for RFC 6455's rules (masking,
 * reserved bits, control frames, fragmentation, the close handshake) that no well-behaved client breaks.
 *
 * <p>The script: "flood" writes 20,000 frames of 16 KiB at once; "close:CODE" closes with that code; "echo:X"
 * sends X back; everything else is recorded in {@link #received}.
 */
class SocketStageTest extends AllDirectives {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MAX_MESSAGE = 1024;
    private static ActorSystem<Void> system;
    private static ServerBinding binding;
    private static final RealtimeMetrics METRICS = new RealtimeMetrics();
    private static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private static final BlockingQueue<String> ended = new LinkedBlockingQueue<>();

    @BeforeAll
    static void startServer() throws Exception {
        system = ActorSystem.create(
                Behaviors.empty(),
                "socket-stage-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.actor.provider = local")
                        .withFallback(ConfigFactory.load()));
        binding = Http.get(system)
                .newServerAt("127.0.0.1", 0)
                .bind(new SocketStageTest().route())
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

    private static int port() {
        return binding.localAddress().getPort();
    }

    private static SocketIn scripted(String path, SocketOut socket) {
        byte[] chunk = new byte[16 * 1024];
        return new SocketIn() {
            @Override
            public void fromClient(byte[] message) {
                String text = new String(message, StandardCharsets.ISO_8859_1);
                if (text.equals("flood")) {
                    for (int i = 0; i < 20_000; i++) socket.send(chunk);
                } else if (text.startsWith("close:")) {
                    socket.close(Integer.parseInt(text.substring(6)), "reason " + text);
                } else if (text.startsWith("echo:")) {
                    socket.send(text.substring(5).getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    received.add(path + " " + text);
                }
            }

            @Override
            public void ended(Throwable failure) {
                ended.add(path);
            }
        };
    }

    /**
     * "/ws": the default limits; "/shaped": 10 messages/s with a burst of 2; "/pending": the admission never
     * completes and at most 2 messages may wait for it.
     */
    private Route route() {
        return extractRequest(request -> {
            var upgrade = (UpgradeToWebSocketLowLevel)
                    request.getAttribute(AttributeKeys.webSocketUpgrade).orElseThrow();
            String path = request.getUri().path();
            var pending = path.endsWith("/pending")
                    ? new SocketStage.PendingLimit(2, 1 << 20)
                    : SocketStage.PendingLimit.NONE_NEEDED;
            var limits = new SocketStage.Limits(
                    MAX_MESSAGE,
                    64,
                    path.endsWith("/shaped") ? 10 : 0,
                    path.endsWith("/shaped") ? 2 : 1,
                    Duration.ofSeconds(1),
                    pending);
            SocketStage.Admission admission = path.endsWith("/pending")
                    ? (id, socket) -> new CompletableFuture<>()
                    : (id, socket) -> CompletableFuture.completedFuture(scripted(path, socket));
            var stage = new SocketStage(
                    "c",
                    "test",
                    "127.0.0.1",
                    limits,
                    admission,
                    new SocketStage.Tracker(new OpenSockets(), METRICS),
                    () -> {});
            @SuppressWarnings({"unchecked", "rawtypes"})
            Graph<FlowShape<FrameEvent, FrameEvent>, Object> graph = (Graph) stage;
            return complete(upgrade.handleFrames(graph, Option.empty()));
        });
    }

    // ---- with the JDK's client

    @ParameterizedTest
    @ValueSource(ints = {1000, 1009, 1012, 1013, 4400, 4401, 4403, 4429})
    void theConnectionsCloseCodeAndReasonReachTheClient(int code) throws Exception {
        Client client = Client.connect("/ws", true);
        client.send("close:" + code);
        assertEquals(code, client.closeCode.get(20, TimeUnit.SECONDS));
        assertEquals("reason close:" + code, client.closeReason);
    }

    @Test
    void messagesReachTheConnectionInOrderAndFramesComeBack() throws Exception {
        Client client = Client.connect("/ws", true);
        for (int i = 0; i < 100; i++) client.send("m" + i);
        for (int i = 0; i < 100; i++) assertEquals("/ws m" + i, received.poll(20, TimeUnit.SECONDS));
        client.send("echo:pong-me");
        assertEquals("pong-me", client.messages.poll(20, TimeUnit.SECONDS));
        client.socket.sendClose(1000, "bye").get(20, TimeUnit.SECONDS);
        assertEquals(1000, client.closeCode.get(20, TimeUnit.SECONDS), "the close is answered with its code");
        assertEquals("/ws", ended.poll(20, TimeUnit.SECONDS), "the connection learns the socket ended");
    }

    @Test
    void aClientThatStopsReadingIsClosedWith1013() throws Exception {
        Client client = Client.connect("/ws", false);
        // 20,000 frames are written in microseconds, far faster than 320 MiB can leave through TCP: the
        // 64-frame queue overflows whether or not the client reads; it then reads what was sent.
        client.send("flood");
        client.readFreely();
        assertEquals(1013, client.closeCode.get(60, TimeUnit.SECONDS));
        assertTrue(client.count.get() < 20_000, "the connection was cut before all frames were queued");
    }

    @Test
    void aMessageOverTheLimitIsClosedWith1009AndCountedOnceAsTooBig() throws Exception {
        String before = tooBigCount();
        Client whole = Client.connect("/ws", true);
        whole.send("x".repeat(MAX_MESSAGE + 1));
        assertEquals(1009, whole.closeCode.get(20, TimeUnit.SECONDS));
        Client fragmented = Client.connect("/ws", true);
        fragmented.socket.sendBinary(ByteBuffer.wrap(new byte[800]), false).get(10, TimeUnit.SECONDS);
        fragmented.socket.sendBinary(ByteBuffer.wrap(new byte[800]), true).get(10, TimeUnit.SECONDS);
        assertEquals(1009, fragmented.closeCode.get(20, TimeUnit.SECONDS));
        assertEquals(Double.parseDouble(before) + 2, Double.parseDouble(tooBigCount()), METRICS.scrape());
    }

    private static String tooBigCount() {
        for (String line : METRICS.scrape().split("\n")) {
            if (line.startsWith("realtime_messages_rejected_total{reason=\"too_big\"}")) {
                return line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        return "0";
    }

    @Test
    void messagesOverTheRateWaitInsteadOfBeingDropped() throws Exception {
        Client client = Client.connect("/shaped", true);
        long start = System.nanoTime();
        for (int i = 0; i < 12; i++) client.send("s" + i);
        for (int i = 0; i < 12; i++) assertEquals("/shaped s" + i, received.poll(20, TimeUnit.SECONDS));
        long millis = (System.nanoTime() - start) / 1_000_000;
        // a burst of 2, then 10 more at 10/s: about one second
        assertTrue(millis >= 800, "12 messages at 10/s with a burst of 2 took " + millis + " ms");
    }

    @Test
    void moreThanThePendingLimitBeforeAdmissionIsClosedWith4429() throws Exception {
        try (FrameSocket raw = FrameSocket.open(port(), "/pending")) {
            for (int i = 0; i < 3; i++) raw.send(0x2, true, true, 0, ("p" + i).getBytes(StandardCharsets.UTF_8));
            assertEquals(4429, raw.expectClose());
        }
    }

    // ---- RFC 6455 with raw frames

    @Test
    void anUnmaskedClientFrameIsAProtocolError() throws Exception {
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.send(0x2, true, false, 0, "plain".getBytes(StandardCharsets.UTF_8));
            assertEquals(1002, raw.expectClose());
            raw.expectEndOfStream();
        }
    }

    @Test
    void reservedBitsUnknownOpcodesAndBrokenControlFramesAreProtocolErrors() throws Exception {
        byte[] small = {1, 2, 3};
        List<int[]> cases = List.of(
                new int[] {0x2, 1, 0x4}, // RSV1 without an extension
                new int[] {0x3, 1, 0}, // reserved data opcode
                new int[] {0xB, 1, 0}, // reserved control opcode
                new int[] {0x9, 0, 0}, // fragmented ping
                new int[] {0x0, 1, 0}); // continuation with nothing to continue
        for (int[] c : cases) {
            try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
                raw.send(c[0], c[1] == 1, true, c[2], small);
                assertEquals(1002, raw.expectClose(), "opcode " + c[0] + " fin " + c[1] + " rsv " + c[2]);
            }
        }
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.send(0x9, true, true, 0, new byte[126]); // control frames carry at most 125 bytes
            assertEquals(1002, raw.expectClose());
        }
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.send(0x2, false, true, 0, small);
            raw.send(0x2, true, true, 0, small); // a new message while the first is still open
            assertEquals(1002, raw.expectClose());
        }
    }

    @Test
    void fragmentsAssembleAroundAPingAndThePingIsAnsweredWithItsPayload() throws Exception {
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.send(0x2, false, true, 0, "frag".getBytes(StandardCharsets.UTF_8));
            raw.send(0x9, true, true, 0, "are you there".getBytes(StandardCharsets.UTF_8));
            raw.send(0x0, false, true, 0, "ment".getBytes(StandardCharsets.UTF_8));
            raw.send(0x0, true, true, 0, "ed".getBytes(StandardCharsets.UTF_8));
            FrameSocket.Frame pong = raw.read();
            assertEquals(0xA, pong.opcode());
            assertArrayEquals("are you there".getBytes(StandardCharsets.UTF_8), pong.payload());
            assertEquals("/ws fragmented", received.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFrameArrivingOneByteAtATimeIsUnmaskedAndAssembled() throws Exception {
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.sendByteByByte(0x2, "slowly but surely".getBytes(StandardCharsets.UTF_8));
            assertEquals("/ws slowly but surely", received.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void thePeersCloseIsEchoedAndTheConnectionEnds() throws Exception {
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.sendClose(4000, "done here");
            assertEquals(4000, raw.expectClose());
            raw.expectEndOfStream();
        }
        for (byte[] bad :
                List.of(new byte[] {3}, new byte[] {0x03, (byte) 0xED} /* 1005 */, new byte[] {0x03, (byte) 0xE7})) {
            try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
                raw.send(0x8, true, true, 0, bad);
                assertEquals(1002, raw.expectClose(), "close payload " + java.util.Arrays.toString(bad));
            }
        }
    }

    @Test
    void afterTheServersCloseTheConnectionEndsOnThePeersAnswerOrAfterTheTimeout() throws Exception {
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.send(0x2, true, true, 0, "close:4403".getBytes(StandardCharsets.UTF_8));
            assertEquals(4403, raw.expectClose());
            raw.send(0x2, true, true, 0, "ignored now".getBytes(StandardCharsets.UTF_8));
            raw.sendClose(4403, "");
            raw.expectEndOfStream();
        }
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.send(0x2, true, true, 0, "close:4401".getBytes(StandardCharsets.UTF_8));
            assertEquals(4401, raw.expectClose());
            long start = System.nanoTime();
            raw.expectEndOfStream(); // never answered: the 1 s close timeout of /ws ends it
            assertTrue((System.nanoTime() - start) / 1_000_000 < 10_000);
        }
        assertTrue(!received.contains("/ws ignored now"), "data after the server's close is not delivered");
    }

    @Test
    void aTextMessageIsRefusedWith4400() throws Exception {
        try (FrameSocket raw = FrameSocket.open(port(), "/ws")) {
            raw.send(0x1, true, true, 0, "hello".getBytes(StandardCharsets.UTF_8));
            assertEquals(4400, raw.expectClose());
        }
    }

    /** A WebSocket client on a plain TCP socket that writes frames exactly as told (masked or not, any bits). */
    private static final class FrameSocket implements AutoCloseable {
        record Frame(int opcode, boolean fin, byte[] payload) {}

        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;

        private FrameSocket(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new DataInputStream(socket.getInputStream());
        }

        static FrameSocket open(int port, String path) throws IOException {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) WAIT.toMillis());
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key)
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw new EOFException("no upgrade response");
                head.write(b);
            }
            assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), head.toString());
            return new FrameSocket(socket);
        }

        void send(int opcode, boolean fin, boolean masked, int rsv, byte[] payload) throws IOException {
            out.write(encode(opcode, fin, masked, rsv, payload));
            out.flush();
        }

        void sendByteByByte(int opcode, byte[] payload) throws Exception {
            for (byte b : encode(opcode, true, true, 0, payload)) {
                out.write(b);
                out.flush();
                Thread.sleep(2);
            }
        }

        void sendClose(int code, String reason) throws IOException {
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + r.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(r, 0, payload, 2, r.length);
            send(0x8, true, true, 0, payload);
        }

        private static byte[] encode(int opcode, boolean fin, boolean masked, int rsv, byte[] payload) {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
            int maskBit = masked ? 0x80 : 0;
            if (payload.length < 126) {
                frame.write(maskBit | payload.length);
            } else {
                frame.write(maskBit | 126);
                frame.write(payload.length >> 8);
                frame.write(payload.length);
            }
            byte[] data = payload.clone();
            if (masked) {
                byte[] key = new byte[4];
                ThreadLocalRandom.current().nextBytes(key);
                frame.writeBytes(key);
                for (int i = 0; i < data.length; i++) data[i] ^= key[i & 3];
            }
            frame.writeBytes(data);
            return frame.toByteArray();
        }

        Frame read() throws IOException {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            assertEquals(0, b1 & 0x80, "server frames are never masked");
            long length = b1 & 0x7F;
            if (length == 126) length = in.readUnsignedShort();
            else if (length == 127) length = in.readLong();
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
        }

        /** Skips data frames; returns the close frame's code. */
        int expectClose() throws IOException {
            List<Integer> seen = new ArrayList<>();
            while (true) {
                Frame f = read();
                if (f.opcode() == 0x8) {
                    return f.payload().length >= 2 ? ((f.payload()[0] & 0xFF) << 8) | (f.payload()[1] & 0xFF) : 1005;
                }
                seen.add(f.opcode());
                assertTrue(seen.size() < 1000, "no close frame");
            }
        }

        void expectEndOfStream() throws IOException {
            try {
                int b = in.read();
                assertEquals(-1, b, "the server closed the TCP connection");
            } catch (java.net.SocketException reset) {
                // closed with a reset: ended as well
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static final class Client implements WebSocket.Listener {
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final AtomicInteger count = new AtomicInteger();
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        volatile String closeReason;
        volatile boolean reading;
        WebSocket socket;

        static Client connect(String path, boolean reading) throws Exception {
            Client client = new Client();
            client.reading = reading;
            client.socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port() + path), client)
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
            if (reading) webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (last) {
                count.incrementAndGet();
                if (data.remaining() < 100) {
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    messages.add(new String(bytes, StandardCharsets.ISO_8859_1));
                }
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
