package org.civicpress.realtime.http;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
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
 */
final class ConnectionFlow {
    private static final Logger log = LoggerFactory.getLogger(ConnectionFlow.class);
    /** RFC 6455 "Try Again Later": the client was too slow to read its messages. */
    static final int CLOSE_TOO_SLOW = 1013;
    /** Outgoing buffers up to this many slots are preallocated arrays; larger ones grow on demand. */
    private static final int FIXED_BUFFER_SLOTS = 16;

    private ConnectionFlow() {
    }

    /** Returns the handler flow; the connection actor is spawned now, once per accepted upgrade. */
    static Flow<Message, Message, NotUsed> create(ActorSystem<?> system, String roomId, String remoteAddress,
                                                  RoomSettings settings, int outgoingBufferMessages,
                                                  OpenSockets openSockets, RealtimeMetrics metrics) {
        return create(system, roomId, remoteAddress, null, settings, outgoingBufferMessages, openSockets, metrics);
    }

    /** As above; {@code correlationId} (the upgrade request's id) goes into the connection actor's log MDC. */
    static Flow<Message, Message, NotUsed> create(ActorSystem<?> system, String roomId, String remoteAddress,
                                                  String correlationId, RoomSettings settings,
                                                  int outgoingBufferMessages, OpenSockets openSockets,
                                                  RealtimeMetrics metrics) {
        return create(system, roomId, remoteAddress, settings, outgoingBufferMessages, openSockets, metrics,
                (connectionId, socket) -> ClientConnection.create(roomId, connectionId, remoteAddress, null,
                        null, correlationId, socket, settings, null));
    }

    /** What runs behind the socket: {@link ClientConnection} in production, a scripted actor in tests. */
    @FunctionalInterface
    interface ConnectionFactory {
        Behavior<ClientConnection.Command> create(String connectionId, ActorRef<SocketOut> socket);
    }

    static Flow<Message, Message, NotUsed> create(ActorSystem<?> system, String roomId, String remoteAddress,
                                                  RoomSettings settings, int outgoingBufferMessages,
                                                  OpenSockets openSockets, RealtimeMetrics metrics,
                                                  ConnectionFactory connectionFactory) {
        String connectionId = UUID.randomUUID().toString();
        Materializer materializer = Materializer.matFromSystem(system);

        // The outgoing ActorSource is materialized WITH the socket's stream (not pre-materialized on its
        // own): it then runs inside the HTTP connection's stream actor, so a frame written to the socket
        // ref costs one actor hop instead of two plus a reactive-streams boundary. The connection actor
        // is spawned once the socket ref exists, during materialization; elements only flow after it.
        Wiring wiring = new Wiring();
        Source<SocketOut, NotUsed> outgoing = ActorSource.<SocketOut>actorRef(
                        message -> false, message -> Optional.empty(), outgoingBufferMessages, OverflowStrategy.fail())
                // A buffer this big would be preallocated (16 KiB per connection for 4096 slots); above this
                // size pekko uses a queue that grows only while a client is behind.
                .addAttributes(ActorAttributes.maxFixedBufferSize(FIXED_BUFFER_SLOTS))
                .mapMaterializedValue(socket -> {
                    wiring.socket = socket;
                    openSockets.opened(socket);
                    metrics.connectionOpened();
                    // A typed system's user guardian cannot be asked to spawn from outside: connections live under /system.
                    wiring.connection = system.systemActorOf(
                            ConnectionGuardian.create(connectionFactory.create(connectionId, socket), socket),
                            "connection-" + connectionId, Props.empty());
                    log.debug("WebSocket {} from {} opened for room {}", connectionId, remoteAddress, roomId);
                    return NotUsed.getInstance();
                });

        // Set once we decided to close: later client messages are not forwarded any more.
        AtomicBoolean closing = new AtomicBoolean();
        int maxBytes = settings.maxMessageBytes();
        Sink<Message, NotUsed> toConnection = Flow.<Message>create()
                .mapAsync(1, message -> collect(message, maxBytes, materializer,
                        rejected -> accept(rejected, closing, wiring.socket, metrics)))
                .filter(incoming -> accept(incoming, closing, wiring.socket, metrics))
                // No ActorSink: its death watch would race with the connection's own close (see ConnectionGuardian).
                // The end of the socket is reported by watchTermination below.
                .to(Sink.foreach(incoming -> wiring.connection.tell(new ClientConnection.FromSocket(incoming.bytes()))));

        Source<Message, NotUsed> toSocket = outgoing
                .takeWhile(out -> !(out instanceof SocketOut.CloseSocket), true)
                .map(ConnectionFlow::render)
                .recover(new PFBuilder<Throwable, Message>()
                        .match(BufferOverflowException.class, e -> {
                            log.warn("WebSocket {} (room {}, {}) closed: more than {} messages waiting to be sent",
                                    connectionId, roomId, remoteAddress, outgoingBufferMessages);
                            return CustomCloseFrames.closeMessage(CLOSE_TOO_SLOW, "client too slow, reconnect");
                        })
                        .build());

        return Flow.fromSinkAndSourceCoupled(toConnection, toSocket)
                .watchTermination((notUsed, done) -> {
                    // Whatever ended the socket, the connection actor must learn it (a notice after it stopped is harmless).
                    // Explicit executor: a Scala-backed CompletionStage runs even whenComplete asynchronously,
                    // by default on the common pool, which on a 1-CPU machine starts a new thread per task.
                    done.whenCompleteAsync((ok, error) -> {
                        if (wiring.socket == null) return; // failed before the outgoing side materialized
                        openSockets.closed(wiring.socket);
                        metrics.connectionClosed();
                        wiring.connection.tell(error == null
                                ? new ClientConnection.SocketClosed() : new ClientConnection.SocketFailed(error));
                    }, Runnable::run);
                    return NotUsed.getInstance();
                });
    }

    /** The refs of one materialization, set when the outgoing side materializes (on the stream's actor). */
    private static final class Wiring {
        volatile ActorRef<SocketOut> socket;
        volatile ActorRef<ClientConnection.Command> connection;
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

    private static boolean accept(Incoming incoming, AtomicBoolean closing, ActorRef<SocketOut> socket,
                                  RealtimeMetrics metrics) {
        if (incoming.bytes() == null) {
            if (closing.compareAndSet(false, true)) {
                // Counted here, where the close is decided once (a streamed message reports it twice).
                if (incoming.closeCode() == CloseCodes.MESSAGE_TOO_BIG.code()) metrics.messageRejected(RejectReason.TOO_BIG);
                socket.tell(new SocketOut.CloseSocket(incoming.closeCode(), incoming.closeReason()));
            }
            return false;
        }
        return !closing.get();
    }

    private static CompletionStage<Incoming> collect(Message scalaMessage, int maxBytes, Materializer materializer,
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
            return CompletableFuture.completedFuture(data.size() > maxBytes ? tooBig(maxBytes)
                    : Incoming.accepted(data.toArray()));
        }
        // Over the limit: close right away, and keep draining without storing (cancelling or failing the
        // message's substream would end the whole connection with 1000/1011 before our 1009 goes out).
        long[] total = {0};
        return binary.getStreamedData()
                .runWith(Sink.fold(ByteString.emptyByteString(), (data, chunk) -> {
                    long before = total[0];
                    total[0] += chunk.size();
                    if (total[0] <= maxBytes) {
                        return data.concat(chunk);
                    }
                    if (before <= maxBytes) {
                        closeNow.accept(tooBig(maxBytes));
                    }
                    return ByteString.emptyByteString();
                }), materializer)
                .thenApply(data -> total[0] > maxBytes ? tooBig(maxBytes) : Incoming.accepted(data.toArray()))
                .exceptionally(error -> Incoming.rejected(CloseCodes.INVALID_MESSAGE.code(), "incomplete message"));
    }

    private static Incoming tooBig(int maxBytes) {
        return Incoming.rejected(CloseCodes.MESSAGE_TOO_BIG.code(), "message larger than " + maxBytes + " bytes");
    }
}
