package org.civicpress.realtime.connection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.protocol.HocuspocusProtocol;
import org.civicpress.realtime.protocol.ProtocolException;
import org.civicpress.realtime.protocol.RoomExtensionFrames;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.services.AuthService;

/**
 * One WebSocket of the Hocuspocus endpoint: several documents multiplexed over it, each document name a room
 * (the same room the y-websocket endpoint serves under that id). Per document, as the Hocuspocus server does:
 * the first Auth (Token) message authenticates it with {@link AuthService#authorizeRoom} (answered with
 * Authenticated, scope {@code readonly} or {@code read-write}, or PermissionDenied with the reason); what the
 * client sends before that is queued, bounded by {@code auth.max_pending_messages}/{@code max_pending_bytes}
 * (over them the socket closes with 4429). Once authenticated the document is a {@link ClientConnection}
 * (join, rejoin, queueing while the room moves) whose socket is a per-document translator: it puts the
 * document name in front of the room's frames and turns the room's durable acknowledgements into SyncStatus.
 *
 * <p>Read-only documents: Sync updates are refused here with SyncStatus(false), as the Hocuspocus server
 * does, and never reach the room. Errors a room closes one document with (4400, 4403, ...) become a Close
 * message for that document; those that ask the client to come back later (1012, 1013, 4429, 4500) close the
 * whole socket, because the provider reconnects (and re-authenticates every document) only then.
 */
public final class HocuspocusConnection extends AbstractBehavior<HocuspocusConnection.Command> {

    /** Local messages (this actor and its children live next to the socket, never across nodes). */
    public sealed interface Command {}

    private record Frame(byte[] bytes) implements Command {}

    private record SocketEnded(String why) implements Command {}

    private record AuthDone(String document, long generation, AuthOutcome outcome) implements Command {}

    private record DocumentClosed(String document, long generation, int code, String reason) implements Command {}

    private record TokenExpired(String document, long generation) implements Command {}

    /**
     * {@code relayStateless}: Stateless messages also go to the document's other Hocuspocus clients (they always
     * go to the hook listeners); {@code maxPendingMessages}/{@code maxPendingBytes}: per document before its
     * authentication completes; {@code maxDocuments}: documents open at once on one socket.
     */
    public record Settings(boolean relayStateless, int maxPendingMessages, int maxPendingBytes, int maxDocuments) {}

    /**
     * The behaviour the WebSocket flow runs (it speaks {@link ClientConnection.Command}: frames, socket closed
     * or failed): forwards to the session actor, its child, and stops with it.
     */
    public static Behavior<ClientConnection.Command> forSocket(
            String socketId,
            String remoteAddress,
            String correlationId,
            SocketOut socket,
            RoomSettings roomSettings,
            AuthService auth,
            Settings settings,
            Predicate<String> validName) {
        return forSocket(socketId, remoteAddress, correlationId, socket, roomSettings, auth, settings, validName, null);
    }

    /** As above; {@code locator} finds the rooms (null = cluster sharding of this ActorSystem). */
    public static Behavior<ClientConnection.Command> forSocket(
            String socketId,
            String remoteAddress,
            String correlationId,
            SocketOut socket,
            RoomSettings roomSettings,
            AuthService auth,
            Settings settings,
            Predicate<String> validName,
            RoomLocator locator) {
        return Behaviors.setup(ctx -> {
            ActorRef<Command> session = ctx.spawn(
                    Behaviors.<Command>setup(c -> new HocuspocusConnection(
                            c,
                            socketId,
                            remoteAddress,
                            correlationId,
                            socket,
                            roomSettings,
                            auth,
                            settings,
                            validName,
                            locator)),
                    "hocuspocus");
            ctx.watch(session);
            return Behaviors.receive(ClientConnection.Command.class)
                    .onMessage(ClientConnection.FromSocket.class, f -> {
                        session.tell(new Frame(f.message()));
                        return Behaviors.same();
                    })
                    .onMessage(ClientConnection.SocketClosed.class, c -> {
                        session.tell(new SocketEnded("socket closed"));
                        return Behaviors.same();
                    })
                    .onMessage(ClientConnection.SocketFailed.class, f -> {
                        session.tell(new SocketEnded("socket failed: " + f.cause()));
                        return Behaviors.same();
                    })
                    .onAnyMessage(other -> Behaviors.same())
                    .onSignal(Terminated.class, t -> {
                        // Ignored when the socket already ended; after a crash, no socket outlives its session.
                        socket.close(CloseCodes.SERVICE_RESTART.code(), "connection ended, reconnect");
                        return Behaviors.stopped();
                    })
                    .build();
        });
    }

    private enum Phase {
        AWAITING_TOKEN,
        AUTHENTICATING,
        OPEN,
        DENIED
    }

    /** One document of this socket. */
    private static final class Doc {
        final String name;
        final long generation;
        final String connectionId = UUID.randomUUID().toString();
        Phase phase = Phase.AWAITING_TOKEN;
        final ArrayDeque<HocuspocusProtocol.Message> pending = new ArrayDeque<>();
        long pendingBytes;
        boolean readOnly;
        ActorRef<ClientConnection.Command> connection;
        DocumentSocket out;
        /** Closes the document when its token expires (null: the token does not expire). */
        Cancellable expiry;

        Doc(String name, long generation) {
            this.name = name;
            this.generation = generation;
        }
    }

    private final String socketId;
    private final String remoteAddress;
    private final String correlationId;
    private final SocketOut socket;
    private final RoomSettings roomSettings;
    private final AuthService auth;
    private final Settings settings;
    private final Predicate<String> validName;
    private final RoomLocator locator;
    private final Map<String, Doc> docs = new HashMap<>();
    private long generations;
    private boolean closing;

    private HocuspocusConnection(
            ActorContext<Command> ctx,
            String socketId,
            String remoteAddress,
            String correlationId,
            SocketOut socket,
            RoomSettings roomSettings,
            AuthService auth,
            Settings settings,
            Predicate<String> validName,
            RoomLocator locator) {
        super(ctx);
        this.locator = locator;
        this.socketId = socketId;
        this.remoteAddress = remoteAddress;
        this.correlationId = correlationId;
        this.socket = socket;
        this.roomSettings = roomSettings;
        this.auth = auth;
        this.settings = settings;
        this.validName = validName;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Frame.class, this::onFrame)
                .onMessage(AuthDone.class, this::onAuthDone)
                .onMessage(DocumentClosed.class, this::onDocumentClosed)
                .onMessage(TokenExpired.class, this::onTokenExpired)
                .onMessage(SocketEnded.class, ended -> stop(ended.why()))
                .build();
    }

    private Behavior<Command> onFrame(Frame frame) {
        if (closing) return this;
        HocuspocusProtocol.Message message;
        try {
            message = HocuspocusProtocol.decode(frame.bytes());
        } catch (ProtocolException e) {
            return closeSocket(CloseCodes.INVALID_MESSAGE.code(), e.getMessage());
        }
        String name = message.documentName();
        Doc doc = docs.get(name);
        if (message instanceof HocuspocusProtocol.Close) {
            if (doc != null) closeDocument(doc, "closed by the provider");
            return this;
        }
        if (doc == null) {
            if (!validName.test(name)) {
                socket.send(HocuspocusProtocol.permissionDenied(name, "invalid document name"));
                return this;
            }
            if (docs.size() >= settings.maxDocuments()) {
                return closeSocket(
                        CloseCodes.RATE_LIMITED.code(),
                        "more than " + settings.maxDocuments() + " documents on one socket");
            }
            doc = new Doc(name, ++generations);
            docs.put(name, doc);
        }
        switch (doc.phase) {
            case OPEN:
                onDocumentMessage(doc, message);
                return this;
            case DENIED:
                if (isToken(message)) return authenticate(doc, (HocuspocusProtocol.Auth) message);
                getContext()
                        .getLog()
                        .debug("hocuspocus {}: message for unauthorized document {} dropped", socketId, name);
                return this;
            default:
                if (isToken(message) && doc.phase == Phase.AWAITING_TOKEN) {
                    return authenticate(doc, (HocuspocusProtocol.Auth) message);
                }
                doc.pending.add(message);
                doc.pendingBytes += frame.bytes().length;
                if (doc.pending.size() > settings.maxPendingMessages()
                        || doc.pendingBytes > settings.maxPendingBytes()) {
                    return closeSocket(CloseCodes.RATE_LIMITED.code(), "too many messages before authentication");
                }
                return this;
        }
    }

    private static boolean isToken(HocuspocusProtocol.Message message) {
        return message instanceof HocuspocusProtocol.Auth a && a.authType() == HocuspocusProtocol.AUTH_TOKEN;
    }

    private Behavior<Command> authenticate(Doc doc, HocuspocusProtocol.Auth token) {
        doc.phase = Phase.AUTHENTICATING;
        // The provider always sends a token message, an empty string when it has none: that is "no token".
        String value = token.value() == null || token.value().isEmpty() ? null : token.value();
        String name = doc.name;
        long generation = doc.generation;
        getContext()
                .pipeToSelf(
                        auth.authorizeRoom(value, name, doc.connectionId),
                        (outcome, error) -> new AuthDone(
                                name,
                                generation,
                                outcome != null
                                        ? outcome
                                        : AuthOutcome.invalid(
                                                AuthOutcome.Failure.UNAVAILABLE, "authentication unavailable")));
        return this;
    }

    private Behavior<Command> onAuthDone(AuthDone done) {
        Doc doc = docs.get(done.document());
        if (closing || doc == null || doc.generation != done.generation()) return this;
        if (!(done.outcome() instanceof AuthOutcome.Authenticated authenticated)) {
            String reason = done.outcome().error().map(Throwable::getMessage).orElse("permission-denied");
            getContext()
                    .getLog()
                    .info("hocuspocus {} ({}): document {} refused: {}", socketId, remoteAddress, doc.name, reason);
            socket.send(HocuspocusProtocol.permissionDenied(doc.name, reason));
            doc.phase = Phase.DENIED;
            doc.pending.clear();
            doc.pendingBytes = 0;
            return this;
        }
        RoomAccess access = authenticated.principal().accessTo(doc.name);
        doc.readOnly = !access.canWrite();
        // Before the room can write anything for this document: the provider starts syncing after it.
        socket.send(HocuspocusProtocol.authenticated(doc.name, doc.readOnly));
        String child = doc.generation + "-" + doc.connectionId;
        doc.out = new DocumentSocket(
                doc.name, doc.generation, socket, getContext().getSelf());
        doc.connection = getContext()
                .spawn(
                        ClientConnection.createWithExtensionFrames(
                                new ClientConnection.Identity(
                                        doc.name,
                                        doc.connectionId,
                                        remoteAddress,
                                        authenticated.principal().userIdOrNull(),
                                        access,
                                        correlationId),
                                doc.out,
                                roomSettings,
                                locator),
                        "doc-" + child);
        doc.phase = Phase.OPEN;
        Instant expiresAt = authenticated.principal().expiresAt();
        if (expiresAt != null) {
            Duration left = Duration.between(Instant.now(), expiresAt);
            doc.expiry = getContext()
                    .scheduleOnce(
                            left.isNegative() ? Duration.ZERO : left,
                            getContext().getSelf(),
                            new TokenExpired(doc.name, doc.generation));
        }
        while (!doc.pending.isEmpty()) onDocumentMessage(doc, doc.pending.poll());
        doc.pendingBytes = 0;
        return this;
    }

    private void onDocumentMessage(Doc doc, HocuspocusProtocol.Message message) {
        if (message instanceof HocuspocusProtocol.Sync sync) {
            int syncType = sync.syncType();
            if (doc.readOnly && syncType != SyncProtocol.MESSAGE_YJS_SYNC_STEP1) {
                // Refused as on the y-websocket endpoint (never reaches the room); the Hocuspocus server answers
                // a read-only client's SyncStep2 with true when it brings nothing new: an empty update does not.
                boolean nothingNew = syncType == SyncProtocol.MESSAGE_YJS_SYNC_STEP2 && isEmptyUpdate(sync.update());
                socket.send(HocuspocusProtocol.syncStatus(doc.name, nothingNew));
                return;
            }
            toRoom(doc, sync.yFrame());
        } else if (message instanceof HocuspocusProtocol.Awareness awareness) {
            toRoom(doc, awareness.yFrame());
            // The Hocuspocus server sends awareness changes to every connection, the sender too: a provider
            // alone on its socket would otherwise receive nothing and reconnect after messageReconnectTimeout.
            socket.send(HocuspocusProtocol.wrap(doc.name, awareness.yFrame()));
        } else if (message instanceof HocuspocusProtocol.QueryAwareness) {
            toRoom(doc, new byte[] {(byte) org.civicpress.realtime.protocol.MessageType.QUERY_AWARENESS});
        } else if (message instanceof HocuspocusProtocol.Stateless stateless) {
            toRoom(doc, RoomExtensionFrames.stateless(stateless.payload(), settings.relayStateless()));
        } else if (message instanceof HocuspocusProtocol.BroadcastStateless broadcast) {
            // Server-side API in Hocuspocus: to every connection of the document, the sender included.
            toRoom(doc, RoomExtensionFrames.stateless(broadcast.payload(), true));
            socket.send(HocuspocusProtocol.stateless(doc.name, broadcast.payload()));
        } else {
            // A second token (the provider re-sends after a fast destroy/recreate), SyncStatus, unknown types:
            // the Hocuspocus server ignores them too.
            getContext()
                    .getLog()
                    .debug(
                            "hocuspocus {}: {} for document {} ignored",
                            socketId,
                            message.getClass().getSimpleName(),
                            doc.name);
        }
    }

    /** An empty Yjs v1 update: no structs, empty delete set ({@code 00 00}). */
    private static boolean isEmptyUpdate(byte[] update) {
        return update != null && update.length == 2 && update[0] == 0 && update[1] == 0;
    }

    private void toRoom(Doc doc, byte[] yFrame) {
        doc.connection.tell(new ClientConnection.FromSocket(yFrame));
    }

    private Behavior<Command> onDocumentClosed(DocumentClosed closed) {
        Doc doc = docs.get(closed.document());
        if (closing || doc == null || doc.generation != closed.generation()) return this;
        int code = closed.code();
        if (code == CloseCodes.SERVICE_RESTART.code()
                || code == CloseCodes.TOO_SLOW.code()
                || code == CloseCodes.RATE_LIMITED.code()
                || code == CloseCodes.INTERNAL_ERROR.code()
                || code == 1011) {
            return closeSocket(code, closed.reason());
        }
        docs.remove(doc.name);
        if (doc.expiry != null) doc.expiry.cancel();
        doc.out.shut();
        socket.send(HocuspocusProtocol.close(
                doc.name, closed.reason() == null ? "Server closed the connection" : closed.reason()));
        return this;
    }

    /**
     * As on the y-websocket endpoint, a session ends with its token: the document is told PermissionDenied
     * (the provider reports authenticationFailed) and leaves its room; a new token message opens it again.
     */
    private Behavior<Command> onTokenExpired(TokenExpired expired) {
        Doc doc = docs.get(expired.document());
        if (closing || doc == null || doc.generation != expired.generation()) return this;
        String reason =
                AuthOutcome.sessionExpired().error().map(Throwable::getMessage).orElse("token expired");
        socket.send(HocuspocusProtocol.permissionDenied(doc.name, reason));
        closeDocument(doc, reason);
        return this;
    }

    /** The document leaves its room; the socket and its other documents stay. */
    private void closeDocument(Doc doc, String why) {
        if (doc.expiry != null) doc.expiry.cancel();
        docs.remove(doc.name);
        if (doc.connection != null) doc.connection.tell(new ClientConnection.SocketClosed());
        if (doc.out != null) doc.out.shut();
        getContext().getLog().debug("hocuspocus {}: document {} closed: {}", socketId, doc.name, why);
    }

    private Behavior<Command> closeSocket(int code, String reason) {
        getContext()
                .getLog()
                .info("hocuspocus {} ({}): closing the socket with {}: {}", socketId, remoteAddress, code, reason);
        socket.close(code, reason);
        closing = true;
        for (Doc doc : docs.values()) {
            if (doc.out != null) doc.out.shut();
            if (doc.connection != null) doc.connection.tell(new ClientConnection.SocketClosed());
        }
        docs.clear();
        return this; // the flow reports the socket's end, then we stop
    }

    private Behavior<Command> stop(String why) {
        getContext().getLog().debug("hocuspocus {} ({}) ended: {}", socketId, remoteAddress, why);
        for (Doc doc : docs.values()) {
            if (doc.out != null) doc.out.shut();
            if (doc.connection != null) doc.connection.tell(new ClientConnection.SocketClosed());
        }
        docs.clear();
        // The document connections stop with this actor; their rooms watch them and drop them as members.
        return Behaviors.stopped();
    }

    /**
     * The socket one document's {@link ClientConnection} (and its room) writes to, from any thread: room frames go
     * out with the document name in front, durable acknowledgements as SyncStatus(true), stateless frames as
     * Stateless; a close becomes {@link DocumentClosed} for the session to decide. Shut once the document closed:
     * what its room still sends is dropped.
     */
    private static final class DocumentSocket implements SocketOut {
        private final String name;
        private final long generation;
        private final SocketOut socket;
        private final ActorRef<Command> session;
        private final byte[] saved;
        private volatile boolean shut;

        DocumentSocket(String name, long generation, SocketOut socket, ActorRef<Command> session) {
            this.name = name;
            this.generation = generation;
            this.socket = socket;
            this.session = session;
            this.saved = HocuspocusProtocol.syncStatus(name, true);
        }

        void shut() {
            shut = true;
        }

        @Override
        public void send(byte[] bytes) {
            if (shut) return;
            if (!RoomExtensionFrames.isExtension(bytes)) {
                socket.send(HocuspocusProtocol.wrap(name, bytes));
            } else if (bytes[0] == RoomExtensionFrames.DURABLE_ACK) {
                for (int i = RoomExtensionFrames.ackCount(bytes); i > 0; i--) socket.send(saved);
            } else {
                socket.send(HocuspocusProtocol.stateless(
                        name, RoomExtensionFrames.decodeStateless(bytes).payload()));
            }
        }

        @Override
        public void close(int code, String reason) {
            if (shut) return;
            shut = true;
            session.tell(new DocumentClosed(name, generation, code, reason));
        }
    }
}
