package org.civicpress.realtime.http;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.model.ws.BinaryMessage;
import org.apache.pekko.http.scaladsl.model.ws.Message;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.BufferOverflowException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.room.RejectReason;
import org.civicpress.realtime.room.RoomSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream of one WebSocket connection. Incoming binary messages (strict or streamed, at most
 * {@code maxMessageBytes}) go to the connection's {@link ClientConnection} actor; what that actor
 * writes to its {@link SocketOut} ref leaves as binary frames or as a close frame with the given code.
 *
 * <p>The outgoing queue is bounded: a client that does not read fast enough is disconnected (1013)
 * instead of slowing down its room or filling the heap.
 *
 * <p>What runs behind the socket is decided by an {@link Admission}, possibly later than the upgrade
 * (authentication may call a slow introspection endpoint). Until it decides, at most
 * {@link PendingLimit#messages()} messages and {@link PendingLimit#bytes()} bytes from the client are held;
 * one more closes the socket with 4429. Nothing reaches a room before the admission accepted the socket.
 */
final class ConnectionFlow {
    private static final Logger log = LoggerFactory.getLogger(ConnectionFlow.class);
    /** RFC 6455 "Try Again Later": the client was too slow to read its messages. */
    static final int CLOSE_TOO_SLOW = 1013;
    /** Outgoing buffers up to this many slots are preallocated arrays; larger ones grow on demand. */
    private static final int FIXED_BUFFER_SLOTS = 16;

    private ConnectionFlow() {}

    /** What runs behind the socket: {@link ClientConnection} in production, a scripted actor in tests. */
    @FunctionalInterface
    interface ConnectionFactory {
        Behavior<ClientConnection.Command> create(String connectionId, ActorRef<SocketOut> socket);
    }

    /**
     * Decides what runs behind a socket once its outgoing side exists: completes with the connection's
     * behavior, or with null when the socket is refused (the admission has then told the socket what to send
     * and to close). It may complete on any thread; it must not complete exceptionally (that closes with 4500).
     */
    @FunctionalInterface
    interface Admission {
        CompletionStage<Behavior<ClientConnection.Command>> admit(String connectionId, ActorRef<SocketOut> socket);
    }

    /** How much a client may send before its admission completed (auth.max_pending_messages / _bytes). */
    record PendingLimit(int messages, int bytes) {
        static final PendingLimit NONE_NEEDED = new PendingLimit(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    static Flow<Message, Message, NotUsed> create(
            ActorSystem<?> system,
            String roomId,
            String remoteAddress,
            RoomSettings settings,
            int outgoingBufferMessages,
            OpenSockets openSockets,
            RealtimeMetrics metrics,
            ConnectionFactory connectionFactory) {
        // Admitted at once, during materialization: nothing is ever held.
        return create(
                system,
                roomId,
                remoteAddress,
                settings,
                outgoingBufferMessages,
                openSockets,
                metrics,
                PendingLimit.NONE_NEEDED,
                (connectionId, socket) ->
                        CompletableFuture.completedFuture(connectionFactory.create(connectionId, socket)));
    }

    static Flow<Message, Message, NotUsed> create(
            ActorSystem<?> system,
            String roomId,
            String remoteAddress,
            RoomSettings settings,
            int outgoingBufferMessages,
            OpenSockets openSockets,
            RealtimeMetrics metrics,
            PendingLimit pendingLimit,
            Admission admission) {
        String connectionId = UUID.randomUUID().toString();
        Materializer materializer = Materializer.matFromSystem(system);

        // The outgoing ActorSource is materialized WITH the socket's stream (not pre-materialized on its
        // own): it then runs inside the HTTP connection's stream actor, so a frame written to the socket
        // ref costs one actor hop instead of two plus a reactive-streams boundary. The connection actor
        // is spawned once the socket ref exists, during materialization; elements only flow after it.
        Wiring wiring = new Wiring();
        Gate gate = new Gate(pendingLimit);
        Source<SocketOut, NotUsed> outgoing = ActorSource.<SocketOut>actorRef(
                        message -> false, message -> Optional.empty(), outgoingBufferMessages, OverflowStrategy.fail())
                // A buffer this big would be preallocated (16 KiB per connection for 4096 slots); above this
                // size pekko uses a queue that grows only while a client is behind.
                .addAttributes(ActorAttributes.maxFixedBufferSize(FIXED_BUFFER_SLOTS))
                .mapMaterializedValue(socket -> {
                    wiring.socket = socket;
                    openSockets.opened(socket);
                    metrics.connectionOpened();
                    log.debug("WebSocket {} from {} opened for room {}", connectionId, remoteAddress, roomId);
                    CompletionStage<Behavior<ClientConnection.Command>> admitted;
                    try {
                        admitted = admission.admit(connectionId, socket);
                    } catch (RuntimeException e) {
                        admitted = CompletableFuture.failedFuture(e);
                    }
                    // Runs at once when already decided (no authentication to wait for), else on the thread
                    // that completes the admission; the gate orders it against the client's frames.
                    admitted.whenComplete((behavior, error) -> {
                        if (error != null) {
                            log.error("WebSocket {} (room {}): admission failed", connectionId, roomId, error);
                            gate.refuse();
                            socket.tell(new SocketOut.CloseSocket(CloseCodes.INTERNAL_ERROR.code(), "internal error"));
                        } else if (behavior == null) {
                            gate.refuse();
                        } else {
                            // A typed system's user guardian cannot be asked to spawn from outside: connections live
                            // under /system.
                            gate.open(() -> system.systemActorOf(
                                    ConnectionGuardian.create(behavior, socket),
                                    "connection-" + connectionId,
                                    Props.empty()));
                        }
                    });
                    return NotUsed.getInstance();
                });

        // Set once we decided to close: later client messages are not forwarded any more.
        AtomicBoolean closing = new AtomicBoolean();
        int maxBytes = settings.maxMessageBytes();
        Sink<Message, NotUsed> toConnection = Flow.<Message>create()
                .mapAsync(
                        1,
                        message -> collect(
                                message,
                                maxBytes,
                                materializer,
                                rejected -> accept(rejected, closing, wiring.socket, metrics)))
                .filter(incoming -> accept(incoming, closing, wiring.socket, metrics))
                // No ActorSink: its death watch would race with the connection's own close (see ConnectionGuardian).
                // The end of the socket is reported by watchTermination below.
                .to(Sink.foreach(incoming -> {
                    if (!gate.offer(incoming.bytes()) && closing.compareAndSet(false, true)) {
                        metrics.messageRejected(RejectReason.RATE_LIMITED);
                        log.warn(
                                "WebSocket {} (room {}, {}) closed: more than {} messages or {} bytes sent before "
                                        + "authentication completed",
                                connectionId,
                                roomId,
                                remoteAddress,
                                pendingLimit.messages(),
                                pendingLimit.bytes());
                        wiring.socket.tell(new SocketOut.CloseSocket(
                                CloseCodes.RATE_LIMITED.code(), "too many messages before authentication completed"));
                    }
                }));

        Source<Message, NotUsed> toSocket = outgoing.takeWhile(out -> !(out instanceof SocketOut.CloseSocket), true)
                .map(ConnectionFlow::render)
                .recover(new PFBuilder<Throwable, Message>()
                        .match(BufferOverflowException.class, e -> {
                            log.warn(
                                    "WebSocket {} (room {}, {}) closed: more than {} messages waiting to be sent",
                                    connectionId,
                                    roomId,
                                    remoteAddress,
                                    outgoingBufferMessages);
                            return CustomCloseFrames.closeMessage(CLOSE_TOO_SLOW, "client too slow, reconnect");
                        })
                        .build());

        return Flow.fromSinkAndSourceCoupled(toConnection, toSocket).watchTermination((notUsed, done) -> {
            // Whatever ended the socket, the connection actor must learn it (a notice after it stopped is harmless).
            // Explicit executor: a Scala-backed CompletionStage runs even whenComplete asynchronously,
            // by default on the common pool, which on a 1-CPU machine starts a new thread per task.
            done.whenCompleteAsync(
                    (ok, error) -> {
                        if (wiring.socket == null) return; // failed before the outgoing side materialized
                        openSockets.closed(wiring.socket);
                        metrics.connectionClosed();
                        ActorRef<ClientConnection.Command> connection = gate.end();
                        if (connection == null) return; // never admitted: no actor to tell
                        connection.tell(
                                error == null
                                        ? new ClientConnection.SocketClosed()
                                        : new ClientConnection.SocketFailed(error));
                    },
                    Runnable::run);
            return NotUsed.getInstance();
        });
    }

    /** The socket ref of one materialization, set when the outgoing side materializes (on the stream's actor). */
    private static final class Wiring {
        volatile ActorRef<SocketOut> socket;
    }

    /**
     * Where the client's frames go: held (bounded) until the admission decided, then to the connection actor
     * in their order. Synchronized: frames arrive on the stream's thread, the admission may complete on an
     * HTTP client thread; each critical section is a few field updates and non-blocking tells.
     */
    private static final class Gate {
        private final PendingLimit limit;
        private final ArrayDeque<byte[]> held = new ArrayDeque<>();
        private long heldBytes;
        private ActorRef<ClientConnection.Command> connection;
        /** Refused, over the pending limit, or the socket ended: frames are dropped, nothing is started. */
        private boolean shut;

        Gate(PendingLimit limit) {
            this.limit = limit;
        }

        /** Forwards or holds {@code frame}; false when holding it would exceed the pending limit. */
        synchronized boolean offer(byte[] frame) {
            if (connection != null) {
                connection.tell(new ClientConnection.FromSocket(frame));
                return true;
            }
            if (shut) return true;
            if (held.size() >= limit.messages() || heldBytes + frame.length > limit.bytes()) {
                shut = true;
                held.clear();
                return false;
            }
            held.add(frame);
            heldBytes += frame.length;
            return true;
        }

        /** Starts the connection (unless the socket is already shut) and hands it the held frames. */
        synchronized void open(Supplier<ActorRef<ClientConnection.Command>> start) {
            if (shut) return;
            connection = start.get();
            while (!held.isEmpty()) connection.tell(new ClientConnection.FromSocket(held.poll()));
            heldBytes = 0;
        }

        synchronized void refuse() {
            shut = true;
            held.clear();
        }

        /** The socket ended: the connection actor to tell, or null when none was started (none will be). */
        synchronized ActorRef<ClientConnection.Command> end() {
            shut = true;
            held.clear();
            return connection;
        }
    }

    private static Message render(SocketOut out) {
        if (out instanceof SocketOut.Frame frame) {
            return new org.apache.pekko.http.scaladsl.model.ws.BinaryMessage.Strict(
                    ByteString.fromArrayUnsafe(frame.bytes()));
        }
        SocketOut.CloseSocket close = (SocketOut.CloseSocket) out;
        return CustomCloseFrames.closeMessage(close.code(), close.reason());
    }

    /** A client message read in full, or the reason to close instead. */
    record Incoming(byte[] bytes, int closeCode, String closeReason) {
        static Incoming accepted(byte[] bytes) {
            return new Incoming(bytes, 0, null);
        }

        static Incoming rejected(int code, String reason) {
            return new Incoming(null, code, reason);
        }
    }

    private static boolean accept(
            Incoming incoming, AtomicBoolean closing, ActorRef<SocketOut> socket, RealtimeMetrics metrics) {
        if (incoming.bytes() == null) {
            if (closing.compareAndSet(false, true)) {
                // Counted here, where the close is decided once (a streamed message reports it twice).
                if (incoming.closeCode() == CloseCodes.MESSAGE_TOO_BIG.code())
                    metrics.messageRejected(RejectReason.TOO_BIG);
                socket.tell(new SocketOut.CloseSocket(incoming.closeCode(), incoming.closeReason()));
            }
            return false;
        }
        return !closing.get();
    }

    private static CompletionStage<Incoming> collect(
            Message scalaMessage,
            int maxBytes,
            Materializer materializer,
            java.util.function.Consumer<Incoming> closeNow) {
        // Every concrete scaladsl message class extends its javadsl counterpart.
        org.apache.pekko.http.javadsl.model.ws.Message message =
                (org.apache.pekko.http.javadsl.model.ws.Message) (Object) scalaMessage;
        if (message.isText()) {
            // y-websocket speaks binary only; drain the text so the connection stream is not stuck.
            message.asTextMessage().getStreamedText().runWith(Sink.ignore(), materializer);
            return CompletableFuture.completedFuture(
                    Incoming.rejected(CloseCodes.INVALID_MESSAGE.code(), "text messages are not supported"));
        }
        BinaryMessage binary = message.asBinaryMessage();
        if (binary.isStrict()) {
            ByteString data = binary.getStrictData();
            return CompletableFuture.completedFuture(
                    data.size() > maxBytes ? tooBig(maxBytes) : Incoming.accepted(data.toArray()));
        }
        // Over the limit: close right away, and keep draining without storing (cancelling or failing the
        // message's substream would end the whole connection with 1000/1011 before our 1009 goes out).
        long[] total = {0};
        return binary.getStreamedData()
                .runWith(
                        Sink.fold(ByteString.emptyByteString(), (data, chunk) -> {
                            long before = total[0];
                            total[0] += chunk.size();
                            if (total[0] <= maxBytes) {
                                return data.concat(chunk);
                            }
                            if (before <= maxBytes) {
                                closeNow.accept(tooBig(maxBytes));
                            }
                            return ByteString.emptyByteString();
                        }),
                        materializer)
                .thenApply(data -> total[0] > maxBytes ? tooBig(maxBytes) : Incoming.accepted(data.toArray()))
                .exceptionally(error -> Incoming.rejected(CloseCodes.INVALID_MESSAGE.code(), "incomplete message"));
    }

    private static Incoming tooBig(int maxBytes) {
        return Incoming.rejected(CloseCodes.MESSAGE_TOO_BIG.code(), "message larger than " + maxBytes + " bytes");
    }
}
