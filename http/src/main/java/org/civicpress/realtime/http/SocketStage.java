package org.civicpress.realtime.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameHeader;
import org.apache.pekko.http.impl.engine.ws.FrameStart;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Binary$;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Close$;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Ping$;
import org.apache.pekko.http.impl.engine.ws.Protocol$Opcode$Pong$;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.InHandler;
import org.apache.pekko.stream.stage.OutHandler;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.civicpress.realtime.connection.SocketIn;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.CloseReasons;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RejectReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * One WebSocket connection, on the frame level: the whole server side of RFC 6455 above pekko-http's frame parser
 * and renderer ({@code UpgradeToWebSocketLowLevel.handleFrames}), in one stage instead of pekko-http's message
 * stack plus ours (about twenty stages, a substream per incoming message and a tick per connection).
 *
 * <p>Incoming: client frames must be masked and carry no reserved bits; control frames are at most 125 bytes and
 * never fragmented; continuation frames continue an open message and nothing else; any violation closes with
 * 1002 at once. Binary messages are unmasked straight into one array, assembled across fragments up to
 * {@link Limits#maxMessageBytes} (1009 above it) and handed to the connection's {@link SocketIn}; text messages
 * close with 4400 (y-websocket speaks binary). Pings are answered with a pong (only the latest, when the client
 * sends them faster than it reads); pongs are ignored. Messages are shaped by a token bucket of
 * {@link Limits#messagesPerSecond} holding {@link Limits#burstMessages}: over it, the stage stops reading until a
 * token is due, so a flood is slowed by TCP backpressure, never dropped.
 *
 * <p>Outgoing: what the application writes to the socket's {@link OutgoingFrames} (frames, then at most one close
 * with any code), sent in order; 1013 when the client falls more than {@link Limits#outgoingFrames} behind.
 *
 * <p>Close handshake: the peer's close is answered with the same code, then the connection ends. After our own
 * close, incoming data is ignored until the peer's close or {@link Limits#closeTimeout}; a protocol error ends the
 * connection right after its close frame. No timer runs on a healthy connection.
 *
 * <p>Admission: what runs behind the socket is decided by an {@link Admission}, possibly after the upgrade
 * (authentication may call a slow introspection endpoint). Until then at most {@link PendingLimit} messages and
 * bytes are held (4429 above it); nothing reaches a room before the admission accepted the socket.
 */
final class SocketStage extends GraphStage<FlowShape<FrameEvent, FrameEvent>> {
    private static final Logger log = LoggerFactory.getLogger(SocketStage.class);

    /**
     * Decides what runs behind a socket once its outgoing side exists: completes with the connection's inbound side,
     * or with null when the socket is refused (the admission has then written what to send and the close). It may
     * complete on any thread; completing exceptionally closes the socket with 4500.
     */
    @FunctionalInterface
    interface Admission {
        CompletionStage<SocketIn> admit(String connectionId, SocketOut socket);
    }

    /** How much a client may send before its admission completed (auth.max_pending_messages / _bytes). */
    record PendingLimit(int messages, int bytes) {
        static final PendingLimit NONE_NEEDED = new PendingLimit(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** What every socket of the server shares; {@code messagesPerSecond} 0 = no shaping. */
    record Limits(
            int maxMessageBytes,
            int outgoingFrames,
            int messagesPerSecond,
            int burstMessages,
            Duration closeTimeout,
            PendingLimit pending) {
        Limits withPending(PendingLimit other) {
            return new Limits(maxMessageBytes, outgoingFrames, messagesPerSecond, burstMessages, closeTimeout, other);
        }
    }

    /** Told when a counted socket opens and ends: the open-socket registry and the connection metrics. */
    record Tracker(OpenSockets openSockets, RealtimeMetrics metrics) {}

    private static final FrameStart EMPTY_PING = frame(Protocol$Opcode$Ping$.MODULE$, ByteString.emptyByteString());
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final String THROTTLE = "throttle";
    private static final String CLOSE_TIMEOUT = "close-timeout";

    private final Inlet<FrameEvent> in = Inlet.create("SocketStage.in");
    private final Outlet<FrameEvent> out = Outlet.create("SocketStage.out");
    private final FlowShape<FrameEvent, FrameEvent> shape = FlowShape.of(in, out);

    private final String connectionId;
    private final String label;
    private final String remote;
    private final Limits limits;
    private final Admission admission;
    /** Null for a socket closed at once (not ready, over a connection limit): not counted as open. */
    private final Tracker tracker;
    /** Runs once when the socket ended, whatever ended it. */
    private final Runnable onEnd;

    SocketStage(
            String connectionId,
            String label,
            String remote,
            Limits limits,
            Admission admission,
            Tracker tracker,
            Runnable onEnd) {
        this.connectionId = connectionId;
        this.label = label;
        this.remote = remote;
        this.limits = limits;
        this.admission = admission;
        this.tracker = tracker;
        this.onEnd = onEnd;
    }

    /** A socket that sends one close frame with {@code code} and ends (not ready: 1012; over a limit: 4429). */
    static SocketStage closing(
            String connectionId, String label, String remote, Limits limits, int code, String reason) {
        return new SocketStage(
                connectionId,
                label,
                remote,
                limits.withPending(PendingLimit.NONE_NEEDED),
                (id, socket) -> {
                    socket.close(code, reason);
                    return CompletableFuture.completedFuture(null);
                },
                null,
                () -> {});
    }

    @Override
    public FlowShape<FrameEvent, FrameEvent> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new Logic();
    }

    /** A server frame: unmasked, final. */
    static FrameStart frame(Object opcode, ByteString data) {
        return new FrameStart(
                new FrameHeader(
                        (org.apache.pekko.http.impl.engine.ws.Protocol.Opcode) opcode,
                        Option.empty(),
                        data.size(),
                        true,
                        false,
                        false,
                        false),
                data);
    }

    static FrameStart closeFrame(int code, String reason) {
        // Codes outside the sendable ranges of RFC 6455 (e.g. 1005, 1006) become 1011.
        int sendable = (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006)
                        || (code >= 3000 && code <= 4999)
                ? code
                : 1011;
        byte[] reasonBytes = CloseReasons.utf8(reason);
        byte[] payload = new byte[2 + reasonBytes.length];
        payload[0] = (byte) (sendable >> 8);
        payload[1] = (byte) sendable;
        System.arraycopy(reasonBytes, 0, payload, 2, reasonBytes.length);
        return frame(Protocol$Opcode$Close$.MODULE$, ByteString.fromArrayUnsafe(payload));
    }

    /** Hands an admitted connection from whatever thread completed the admission to the stage, or ends it. */
    private static final class Handoff {
        private SocketIn admitted;
        private boolean ended;

        /** False when the socket already ended: the caller ends the connection. */
        synchronized boolean offer(SocketIn connection) {
            if (ended) return false;
            admitted = connection;
            return true;
        }

        synchronized SocketIn admitted() {
            return admitted;
        }

        synchronized SocketIn end() {
            ended = true;
            return admitted;
        }
    }

    private final class Logic extends TimerGraphStageLogic implements InHandler, OutHandler {
        private final OutgoingFrames outgoing = new OutgoingFrames(limits.outgoingFrames());
        private final Handoff handoff = new Handoff();

        // ---- admission
        private SocketIn inbound;
        private boolean refused;
        private ArrayDeque<byte[]> held;
        private long heldBytes;

        // ---- the frame being read
        private boolean inFrame;
        private int frameOpcode;
        private boolean frameFin;
        private long frameRemaining;
        private final byte[] mask = new byte[4];
        private int maskPos;
        /** Where the frame's unmasked payload goes (a message or control buffer), null when it is skipped. */
        private byte[] target;

        private int targetPos;

        // ---- the data message being assembled
        private boolean inMessage;
        private byte[] message;
        private int messageLength;

        // ---- closing
        private boolean closeSent;
        private boolean closeReceived;
        /** The close frame (ours or the echo of the peer's) or a pong, sent before anything queued. */
        private FrameStart urgent;
        /** End the connection right after the close frame (protocol error, peer's close answered). */
        private boolean endAfterClose;

        private Throwable failure;

        // ---- shaping
        private double tokens = limits.burstMessages();
        private long refilledAt = System.nanoTime();
        private byte[] delayed;

        Logic() {
            super(shape);
            setHandler(in, this);
            setHandler(out, this);
        }

        @Override
        public void preStart() {
            AsyncCallback<Object> wake = createAsyncCallback(ignored -> pushNext());
            outgoing.attach(() -> wake.invoke(null));
            if (tracker != null) {
                tracker.openSockets().opened(outgoing);
                tracker.metrics().connectionOpened();
            }
            log.debug("WebSocket {} from {} opened for {}", connectionId, remote, label);
            CompletionStage<SocketIn> admitted;
            try {
                admitted = admission.admit(connectionId, outgoing);
            } catch (RuntimeException e) {
                admitted = CompletableFuture.failedFuture(e);
            }
            CompletableFuture<SocketIn> future = admitted.toCompletableFuture();
            if (future.isDone()) {
                // No authentication to wait for: decided now, before the first frame.
                SocketIn connection = null;
                Throwable error = null;
                try {
                    connection = future.join();
                } catch (RuntimeException e) {
                    error = e.getCause() != null ? e.getCause() : e;
                }
                if (connection != null) handoff.offer(connection);
                onAdmitted(error);
            } else {
                held = new ArrayDeque<>();
                AsyncCallback<Throwable> decided = createAsyncCallback(this::onAdmitted);
                future.whenComplete((connection, error) -> {
                    if (connection != null && !handoff.offer(connection)) {
                        connection.ended(null); // the socket ended while authenticating
                        return;
                    }
                    decided.invoke(error);
                });
            }
            pull(in);
        }

        private void onAdmitted(Throwable error) {
            if (error != null) {
                log.error("WebSocket {} ({}): admission failed", connectionId, label, error);
                refused = true;
                held = null;
                closeNow(CloseCodes.INTERNAL_ERROR.code(), "internal error", false);
                return;
            }
            inbound = handoff.admitted();
            if (inbound == null) {
                refused = true;
                held = null;
                return;
            }
            if (held != null) {
                for (byte[] m : held) if (!closeSent) inbound.fromClient(m);
                held = null;
            }
        }

        // ---- incoming

        @Override
        public void onPush() {
            FrameEvent event = grab(in);
            if (event instanceof FrameStart start) {
                if (!startFrame(start.header())) {
                    pullUnlessWaiting();
                    return;
                }
            } else if (!inFrame) {
                failStage(new IllegalStateException("frame data without a frame start"));
                return;
            }
            readPayload(event.data());
            if (frameRemaining == 0) endFrame();
            pullUnlessWaiting();
        }

        /** Checks a new frame's header; false when the connection is being closed because of it. */
        private boolean startFrame(FrameHeader header) {
            inFrame = true;
            frameOpcode = header.opcode().code();
            frameFin = header.fin();
            frameRemaining = header.length();
            target = null;
            targetPos = 0;
            maskPos = 0;
            if (header.mask().isEmpty()) return protocolError("client frames must be masked");
            int key = (Integer) header.mask().get();
            mask[0] = (byte) (key >>> 24);
            mask[1] = (byte) (key >>> 16);
            mask[2] = (byte) (key >>> 8);
            mask[3] = (byte) key;
            if (header.rsv1() || header.rsv2() || header.rsv3()) {
                return protocolError("reserved bits set without a negotiated extension");
            }
            if ((frameOpcode & 0x8) != 0) {
                if (frameOpcode != OP_CLOSE && frameOpcode != OP_PING && frameOpcode != OP_PONG) {
                    return protocolError("unknown control opcode " + frameOpcode);
                }
                if (!header.fin()) return protocolError("fragmented control frame");
                if (frameRemaining > MAX_CONTROL_PAYLOAD) return protocolError("control frame over 125 bytes");
                target = new byte[(int) frameRemaining];
                return true;
            }
            if (frameOpcode == OP_CONTINUATION) {
                if (!inMessage) return protocolError("continuation frame without a message to continue");
            } else if (frameOpcode == OP_TEXT || frameOpcode == OP_BINARY) {
                if (inMessage) return protocolError("new message before the previous one ended");
                inMessage = true;
                messageLength = 0;
                message = null;
                if (frameOpcode == OP_TEXT && !closeSent) {
                    closeNow(CloseCodes.INVALID_MESSAGE.code(), "text messages are not supported", false);
                }
            } else {
                return protocolError("unknown data opcode " + frameOpcode);
            }
            if (closeSent) return true; // read to find the frame's end, ignore its payload
            long total = messageLength + frameRemaining;
            if (total > limits.maxMessageBytes()) {
                if (tracker != null) tracker.metrics().messageRejected(RejectReason.TOO_BIG);
                closeNow(
                        CloseCodes.MESSAGE_TOO_BIG.code(),
                        "message larger than " + limits.maxMessageBytes() + " bytes",
                        false);
                message = null;
                return true;
            }
            if (message == null) {
                // A whole message in one frame (the usual case) gets an array of exactly its size.
                message = new byte[header.fin() ? (int) total : (int) Math.max(total, 256)];
            } else if (message.length < total) {
                message = Arrays.copyOf(
                        message, (int) Math.min(limits.maxMessageBytes(), Math.max(total, 2L * message.length)));
            }
            target = message;
            targetPos = messageLength;
            return true;
        }

        private void readPayload(ByteString data) {
            int n = data.size();
            if (n == 0) return;
            if (n > frameRemaining) {
                failStage(new IllegalStateException("more frame data than the header announced"));
                return;
            }
            frameRemaining -= n;
            if (target == null) {
                maskPos = (maskPos + n) & 3;
                return;
            }
            byte[] t = target;
            int start = targetPos;
            data.copyToArray(t, start, n);
            int p = maskPos;
            for (int i = 0; i < n; i++) {
                t[start + i] ^= mask[(p + i) & 3];
            }
            maskPos = (p + n) & 3;
            targetPos = start + n;
        }

        private void endFrame() {
            inFrame = false;
            boolean fin;
            switch (frameOpcode) {
                case OP_PING -> {
                    if (!closeSent) {
                        // Only the latest ping is answered while a pong still waits (RFC 6455, 5.5.3).
                        urgent = frame(Protocol$Opcode$Pong$.MODULE$, ByteString.fromArrayUnsafe(target));
                        pushNext();
                    }
                    return;
                }
                case OP_PONG -> {
                    return;
                }
                case OP_CLOSE -> {
                    onPeerClose(target);
                    return;
                }
                default -> fin = frameFin;
            }
            if (target == message && message != null) messageLength = targetPos;
            target = null;
            if (!fin) return;
            inMessage = false;
            byte[] complete = message;
            message = null;
            if (closeSent || complete == null) return;
            if (complete.length != messageLength) complete = Arrays.copyOf(complete, messageLength);
            shape(complete);
        }

        private void onPeerClose(byte[] payload) {
            closeReceived = true;
            if (closeSent) {
                completeStage();
                return;
            }
            int code = 1000;
            String reason = "";
            if (payload.length == 1) {
                protocolError("close frame with a one-byte payload");
                return;
            }
            if (payload.length >= 2) {
                code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                if (!validPeerCloseCode(code)) {
                    protocolError("invalid close code " + code);
                    return;
                }
            }
            // Answer with the peer's code (an empty close is answered with 1000), then end the connection.
            closeNow(code, reason, true);
        }

        private boolean validPeerCloseCode(int code) {
            return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        }

        /** The client broke RFC 6455: close with 1002 and end the connection right after. */
        private boolean protocolError(String why) {
            log.info("WebSocket {} ({}, {}): protocol error, closing with 1002: {}", connectionId, label, remote, why);
            inMessage = false;
            message = null;
            target = null;
            closeNow(CloseCodes.PROTOCOL_ERROR.code(), why, true);
            return false;
        }

        /** Token bucket: a message over the rate waits, and with it the reading of the socket. */
        private void shape(byte[] complete) {
            if (limits.messagesPerSecond() > 0) {
                refill();
                if (tokens < 1) {
                    delayed = complete;
                    long waitNanos = (long) Math.ceil((1 - tokens) * 1e9 / limits.messagesPerSecond());
                    scheduleOnce(THROTTLE, Duration.ofNanos(Math.max(1_000_000, waitNanos)));
                    return;
                }
                tokens -= 1;
            }
            forward(complete);
        }

        private void refill() {
            long now = System.nanoTime();
            tokens = Math.min(
                    limits.burstMessages(), tokens + (now - refilledAt) * (double) limits.messagesPerSecond() / 1e9);
            refilledAt = now;
        }

        private void forward(byte[] complete) {
            if (closeSent) return;
            if (inbound != null) {
                inbound.fromClient(complete);
                return;
            }
            if (refused) return;
            PendingLimit limit = limits.pending();
            if (held == null) held = new ArrayDeque<>();
            if (held.size() >= limit.messages() || heldBytes + complete.length > limit.bytes()) {
                if (tracker != null) tracker.metrics().messageRejected(RejectReason.RATE_LIMITED);
                log.warn(
                        "WebSocket {} ({}, {}) closed: more than {} messages or {} bytes sent before authentication"
                                + " completed",
                        connectionId,
                        label,
                        remote,
                        limit.messages(),
                        limit.bytes());
                held = null;
                refused = true;
                closeNow(CloseCodes.RATE_LIMITED.code(), "too many messages before authentication completed", false);
                return;
            }
            held.add(complete);
            heldBytes += complete.length;
        }

        private void pullUnlessWaiting() {
            if (delayed == null && !isClosed(in) && !hasBeenPulled(in)) pull(in);
        }

        @Override
        public void onTimer(Object key) {
            if (THROTTLE.equals(key)) {
                byte[] next = delayed;
                delayed = null;
                refill();
                tokens -= 1;
                forward(next);
                pullUnlessWaiting();
            } else if (CLOSE_TIMEOUT.equals(key)) {
                completeStage();
            }
        }

        @Override
        public void onUpstreamFinish() {
            completeStage(); // TCP closed without a close frame
        }

        @Override
        public void onUpstreamFailure(Throwable ex) {
            failure = ex;
            completeStage();
        }

        // ---- outgoing

        @Override
        public void onPull() {
            pushNext();
        }

        @Override
        public void onDownstreamFinish(Throwable cause) {
            completeStage();
        }

        /** Our close, ahead of what is queued: the connection's own decisions (limits, protocol errors). */
        private void closeNow(int code, String reason, boolean end) {
            if (closeSent) return;
            outgoing.shut();
            outgoing.clear();
            urgent = closeFrame(code, reason);
            closeSent = true;
            endAfterClose = end;
            pushNext();
        }

        private void pushNext() {
            if (!isAvailable(out)) return;
            if (urgent != null) {
                FrameStart frame = urgent;
                urgent = null;
                push(out, frame);
                if (frame.header().opcode() == Protocol$Opcode$Close$.MODULE$) afterCloseSent();
                return;
            }
            if (closeSent) return;
            if (outgoing.overflowed()) {
                outgoing.clear();
                log.warn(
                        "WebSocket {} ({}, {}) closed: more than {} frames waiting to be sent",
                        connectionId,
                        label,
                        remote,
                        limits.outgoingFrames());
                closeNow(CloseCodes.TOO_SLOW.code(), "client too slow, reconnect", false);
                return;
            }
            Object item = outgoing.poll();
            if (item == null) return;
            if (item instanceof byte[] bytes) {
                push(out, frame(Protocol$Opcode$Binary$.MODULE$, ByteString.fromArrayUnsafe(bytes)));
                outgoing.sent++;
            } else if (item instanceof OutgoingFrames.Close close) {
                closeSent = true;
                push(out, closeFrame(close.code(), close.reason()));
                afterCloseSent();
            } else {
                push(out, EMPTY_PING);
                outgoing.sent++;
            }
        }

        private void afterCloseSent() {
            outgoing.shut();
            outgoing.clear();
            if (closeReceived || endAfterClose) {
                completeStage();
            } else {
                scheduleOnce(CLOSE_TIMEOUT, limits.closeTimeout());
            }
        }

        @Override
        public void postStop() {
            outgoing.shut();
            outgoing.clear();
            SocketIn connection = handoff.end();
            if (connection != null) connection.ended(failure);
            if (tracker != null) {
                tracker.openSockets().closed(outgoing);
                tracker.metrics().connectionClosed();
            }
            log.debug("WebSocket {} ({}) ended", connectionId, label);
            onEnd.run();
        }
    }
}
