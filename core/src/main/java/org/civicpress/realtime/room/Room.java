package org.civicpress.realtime.room;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.civicpress.realtime.CborSerializable;
import org.civicpress.realtime.api.DocumentApi;
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.connection.NodeRelay;
import org.civicpress.realtime.connection.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.protocol.AwarenessProtocol;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.ProtocolException;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.roomtypes.RoomType;
import org.civicpress.realtime.roomtypes.UpdateCheck;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.Transaction;

/**
 * One collaborative document: a sharded, event-sourced actor holding a ycrdt {@link Doc}.
 *
 * <h2>Durability</h2>
 * Nothing about an update reaches any client before the journal has it. The room journals and
 * broadcasts <b>the client's own update bytes</b> (not the doc's re-encoded update): they replay to
 * the same doc, they keep updates whose dependencies are missing (pending) durable, and re-using them
 * costs no re-encoding. A client update is validated by applying it to the in-memory doc (ycrdt decodes
 * the whole update before mutating anything, so a bad update throws and leaves the doc unchanged); the
 * event handler skips re-applying the batch it was just handed ({@code appliedAhead}) and applies
 * events normally during recovery.
 * <ul>
 *   <li><b>Group commit</b>: while a write is in flight, further validated updates are buffered; when it
 *   completes, the buffer becomes ONE {@link UpdatesJournaled} event (one journal round trip).</li>
 *   <li><b>Echo = durable ack</b>: after a write completes, the batch is sent (one merged update frame,
 *   encoded once) to every joined connection, the senders included: straight to the sockets in this JVM,
 *   and once per other node to that node's {@link NodeRelay}, which writes to its sockets.</li>
 *   <li><b>Duplicates</b>: an update that changes nothing (and leaves nothing pending) is not journaled;
 *   it is echoed to its sender alone once every write in flight or buffered has completed, so the
 *   original is journaled before the ack.</li>
 *   <li><b>No unjournaled state leaks</b>: the doc runs ahead of the journal by the buffered batch, so
 *   answers derived from the doc (SyncStep2 to a client's SyncStep1, the server's SyncStep1 on join,
 *   duplicate echoes) wait until the room is <i>quiescent</i> (no write in flight, empty buffer). While
 *   such an answer waits, new client updates are stashed, so quiescence comes after at most two writes.</li>
 *   <li>A failed write stops the entity (Pekko's default for persist failures): the un-journaled doc is
 *   discarded with it, nothing of it was acknowledged, and connections re-join a recovered incarnation.</li>
 * </ul>
 *
 * <h2>Snapshots</h2>
 * Snapshot = {@code Y.encodeStateAsUpdate(doc)}. Taken when {@code snapshotEveryUpdates} UPDATES (not
 * events: one event may carry a whole batch) were journaled since the last snapshot, when the sequence
 * number is a multiple of {@code snapshotEveryUpdates} (Pekko's retention criteria: only those snapshots
 * delete older events and snapshots), and every {@code snapshotInterval} if there were updates since the
 * last one (through a {@link SnapshotRequested} marker event). Recovery = snapshot + later events.
 *
 * <h2>Other messages</h2>
 * Awareness is relayed at once to the other connections and never journaled; the room keeps the latest
 * state per awareness clientID, answers messageQueryAwareness with all of them, and broadcasts a null
 * state (clock + 1) when the announcing connection leaves or the state is not renewed within
 * {@code awarenessTimeout}. messageAuth is only ever sent by servers and is ignored. An unknown message
 * type, a malformed frame or a Yjs update the engine rejects closes that connection with 4400.
 *
 * <h2>Re-joins</h2>
 * A connection whose room incarnation stopped joins the new one with {@link Join#rejoin()} set. Its
 * y-websocket client will not send a SyncStep1 again, so the room sends it, once quiescent, its own
 * SyncStep1 (the client answers with whatever the room lacks) AND a SyncStep2 holding the whole journaled
 * document (Yjs ignores what the client already has): whatever the old incarnation journaled but did
 * not broadcast before it stopped reaches the client this way.
 *
 * <h2>Room types, metrics, CivicPress API</h2>
 * The {@link RoomType} of the id (see {@code RoomTypes}) decides whether the room journals a document
 * (a {@code presence} room relays awareness only) and which client updates it accepts; hook events
 * carry its name. Rooms feed {@link RealtimeMetrics} (rooms, updates, journal writes, snapshots,
 * rejections). With a {@link DocumentApi}, a journaled room recovered from an EMPTY journal asks it for
 * its initial content (off the actor, piped back) and journals and broadcasts that like a client update;
 * after each snapshot it pushes the snapshotted document (as JSON, built off the actor).
 *
 * <h2>Lifecycle and hooks</h2>
 * A room without joined connections passivates after {@code passivateAfterIdle} (sharding's own idle
 * passivation is switched off for rooms in {@link #init}). {@code realtime:room:created} is emitted for
 * every incarnation when its recovery completes (data: {@code newDocument}, {@code recoveredSequenceNr})
 * and {@code realtime:room:destroyed} when it stops, so the pair always balances; both are also logged at INFO
 * ("room R incarnation started|stopped: node= seqNr= at="), the lifetimes ClusterIT's single-writer check
 * reads. When the node already runs {@code maxRoomsPerNode} rooms, the new incarnation answers its first
 * Join with 4429 and stops.
 */
public final class Room extends EventSourcedBehavior<Room.Command, Room.Event, Room.State> {

    // ---------------------------------------------------------------- state

    /**
     * A joined connection. {@code socket}: its socket when it lives in this JVM, else null; {@code relay}: the
     * relay of its node when the socket is on another node (null: frames go through the connection actor).
     */
    record Member(String connectionId, ActorRef<ClientConnection.Command> ref, String userId,
                  ActorRef<SocketOut> socket, ActorRef<NodeRelay.Command> relay, String correlationId) {
        /**
         * Writes a frame to the client. Straight to the socket when it lives in this JVM (one actor hop
         * less per delivery: the fan-out hot path); else through its node's relay, as broadcasts do, so the
         * frames of one client keep their order.
         */
        void send(byte[] frame) {
            if (socket != null) {
                socket.tell(new SocketOut.Frame(frame));
            } else if (relay != null) {
                relay.tell(new NodeRelay.Deliver(frame, List.of(connectionId)));
            } else {
                ref.tell(new ClientConnection.Send(frame));
            }
        }
    }

    /** What must wait until the journal has everything the doc has. */
    private sealed interface Deferred {}

    private record AnswerSyncStep1(String connectionId, byte[] stateVector) implements Deferred {}

    /** The server's SyncStep1, and on a re-join the whole journaled document as a SyncStep2. */
    private record Greet(String connectionId, boolean fullState) implements Deferred {}

    private record EchoToSender(String connectionId, byte[] frame) implements Deferred {}

    /**
     * Mutable state owned by the room actor. The doc and the counters are rebuilt by recovery; members,
     * awareness and the group-commit fields describe this incarnation only.
     */
    public static final class State {
        final Doc doc;
        final Map<String, Member> members = new LinkedHashMap<>();
        final RoomAwareness awareness = new RoomAwareness();
        /** A write is in flight (set when persisting, cleared by {@code PERSIST_DONE}). */
        boolean persisting;
        /** Validated updates already applied to the doc, waiting for the write in flight. */
        List<byte[]> buffer = new ArrayList<>();
        /** The event whose updates the command handler already applied to the doc. */
        UpdatesJournaled appliedAhead;
        final List<Deferred> waitingForQuiescence = new ArrayList<>();
        long updatesSinceSnapshot;
        /** System.nanoTime() when the write in flight started (journal latency metric). */
        long writeStartedNanos;
        /** Did the last applyUpdate change the doc? (what makes Yjs emit an 'update' event) */
        boolean docChanged;

        State(Doc doc) {
            this.doc = doc;
            // Same test as Yjs before emitting 'update', without encoding the update nobody needs.
            doc.onAfterTransaction(tr -> docChanged |= !tr.deleteSet.clients.isEmpty() || stateChanged(tr));
        }

        private static boolean stateChanged(Transaction tr) {
            for (Map.Entry<Long, Long> e : tr.afterState.entrySet()) {
                if (!e.getValue().equals(tr.beforeState.get(e.getKey()))) return true;
            }
            return false;
        }

        public Doc doc() {
            return doc;
        }

        public int memberCount() {
            return members.size();
        }

        public long updatesSinceSnapshot() {
            return updatesSinceSnapshot;
        }

        boolean quiescent() {
            return !persisting && buffer.isEmpty();
        }
    }

    // ---------------------------------------------------------------- commands

    public sealed interface Command extends CborSerializable {}

    /**
     * A connection joins; the room answers {@link ClientConnection.Joined}, its SyncStep1 and awareness.
     * {@code rejoin}: the connection was joined to an incarnation that stopped; the room also sends it the
     * whole document (see "Re-joins" above).
     */
    public record Join(String connectionId, ActorRef<ClientConnection.Command> connection, String userId,
                       boolean rejoin, ActorRef<SocketOut> socket, ActorRef<NodeRelay.Command> relay,
                       String correlationId) implements Command {
        /** Without a correlation id (the connection's hook events carry none). */
        public Join(String connectionId, ActorRef<ClientConnection.Command> connection, String userId,
                    boolean rejoin, ActorRef<SocketOut> socket, ActorRef<NodeRelay.Command> relay) {
            this(connectionId, connection, userId, rejoin, socket, relay, null);
        }

        /** A first join. */
        public Join(String connectionId, ActorRef<ClientConnection.Command> connection, String userId) {
            this(connectionId, connection, userId, false, null, null, null);
        }

        /** A join without a socket ref: frames go through the connection actor. */
        public Join(String connectionId, ActorRef<ClientConnection.Command> connection, String userId,
                    boolean rejoin) {
            this(connectionId, connection, userId, rejoin, null, null, null);
        }
    }

    /** One complete binary y-websocket frame from a joined connection. */
    public record FromClient(String connectionId, byte[] message) implements Command {}

    public record Leave(String connectionId) implements Command {}

    private record ConnectionTerminated(String connectionId) implements Command {}

    /** The API's answer for the initial content (piped back to the actor). */
    private record InitialContentLoaded(Optional<byte[]> update, Throwable failure) implements Command {}

    private enum Internal implements Command {
        PERSIST_DONE, IDLE_TIMEOUT, AWARENESS_SWEEP, SNAPSHOT_TICK, STOP
    }

    // ---------------------------------------------------------------- events and snapshot

    public sealed interface Event {}

    /** One journal write: the client update bytes of one group commit, in arrival order. */
    public record UpdatesJournaled(List<byte[]> updates) implements Event {
        public UpdatesJournaled {
            updates = List.copyOf(updates);
        }
    }

    /** Marker persisted by the interval timer so that a snapshot is taken. */
    public record SnapshotRequested() implements Event {}

    /** The snapshot as stored: the whole document as one Yjs v1 update. */
    public record Snapshot(byte[] encodedState) {}

    // ---------------------------------------------------------------- sharding key and init

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "room");

    /** Registers rooms with cluster sharding (default room types, private metrics, no API). */
    public static void init(ActorSystem<?> system, RoomSettings settings, HookSystem hooks) {
        init(system, settings, RoomServices.defaults(hooks));
    }

    /** Registers rooms with cluster sharding. Call once per ActorSystem. */
    public static void init(ActorSystem<?> system, RoomSettings settings, RoomServices services) {
        ClusterSharding.get(system).init(
                Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, services, ctx.getShard()))
                        .withStopMessage(Internal.STOP)
                        // rooms decide themselves: connected-but-silent clients must keep them alive
                        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
    }

    /**
     * The room behaviour. {@code shard} may be null outside sharding (tests): the room then stops
     * itself instead of asking the shard to passivate it.
     */
    public static Behavior<Command> create(String roomId, RoomSettings settings, HookSystem hooks,
                                           ActorRef<ClusterSharding.ShardCommand> shard) {
        return create(roomId, settings, RoomServices.defaults(hooks), shard);
    }

    /** The room behaviour with explicit services (metrics, room types, API). */
    public static Behavior<Command> create(String roomId, RoomSettings settings, RoomServices services,
                                           ActorRef<ClusterSharding.ShardCommand> shard) {
        // Every log line of the room (and of code it calls on its thread) carries roomId and node.
        return Behaviors.withMdc(Command.class, Map.of("roomId", roomId, "node", settings.nodeName()),
                Behaviors.setup(ctx -> {
            RoomRegistry registry = RoomRegistry.get(ctx.getSystem());
            if (!registry.tryAcquire(settings.maxRoomsPerNode())) {
                ctx.getLog().warn("room {} refused: {} rooms already live on this node", roomId,
                        registry.liveRooms());
                return refusing(services.metrics());
            }
            services.metrics().roomStarted();
            return Behaviors.withTimers(timers -> new Room(roomId, settings, services, shard, ctx, timers, registry));
        }));
    }

    private static Behavior<Command> refusing(RealtimeMetrics metrics) {
        return Behaviors.receive(Command.class)
                .onMessage(Join.class, join -> {
                    metrics.messageRejected(RejectReason.ROOM_LIMIT);
                    join.connection().tell(new ClientConnection.CloseWith(CloseCodes.RATE_LIMITED.code(),
                            "max rooms per node reached"));
                    return Behaviors.stopped();
                })
                .onAnyMessage(any -> Behaviors.stopped())
                .build();
    }

    // ---------------------------------------------------------------- behaviour

    private static final Object RECOVERY_ORIGIN = "recovery";
    private static final Object SNAPSHOT_ORIGIN = "snapshot";
    private static final Object API_ORIGIN = "api";
    /** A SyncStep2 with nothing in it: what a room without a document answers to SyncStep1. */
    private static final byte[] EMPTY_SYNC_STEP2 = SyncProtocol.encodeSyncStep2(Y.encodeStateAsUpdate(new Doc()));

    /** A snapshot being saved: the encoded document (pushed to the API after it is saved). */
    private record SnapshotInFlight(byte[] encodedState) {}

    private final String roomId;
    private final RoomSettings settings;
    private final HookSystem hooks;
    private final RealtimeMetrics metrics;
    private final RoomType type;
    private final DocumentApi api;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final RoomRegistry registry;
    /** Recovery completed: this incarnation is the room's writer from now until PostStop. */
    private boolean recovered;
    /** Last sequence number of this incarnation (each persist writes one event). */
    private long sequenceNr;
    /** Snapshots handed to the store, oldest first (completions arrive in order). */
    private final ArrayDeque<SnapshotInFlight> snapshotsInFlight = new ArrayDeque<>();

    private Room(String roomId, RoomSettings settings, RoomServices services,
                 ActorRef<ClusterSharding.ShardCommand> shard, ActorContext<Command> ctx,
                 TimerScheduler<Command> timers, RoomRegistry registry) {
        super(PersistenceId.of(TYPE_KEY.name(), roomId));
        this.roomId = roomId;
        this.settings = settings;
        this.hooks = services.hooks();
        this.metrics = services.metrics();
        this.type = services.roomTypes().forRoom(roomId);
        this.api = services.api();
        this.shard = shard;
        this.ctx = ctx;
        this.timers = timers;
        this.registry = registry;
    }

    @Override
    public State emptyState() {
        return new State(new Doc());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        if (!settings.snapshotsEnabled()) return RetentionCriteria.disabled();
        var criteria = RetentionCriteria.snapshotEvery(settings.snapshotEveryUpdates(), 2);
        return settings.deleteEventsOnSnapshot() ? criteria.withDeleteEventsOnSnapshot() : criteria;
    }

    @Override
    public boolean shouldSnapshot(State state, Event event, long sequenceNr) {
        if (!settings.snapshotsEnabled()) return false;
        return event instanceof SnapshotRequested || state.updatesSinceSnapshot >= settings.snapshotEveryUpdates();
    }

    @Override
    public SnapshotAdapter<State> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(State state) {
                byte[] encoded = Y.encodeStateAsUpdate(state.doc);
                // Taken right after a write completed: the doc is exactly what the journal holds.
                snapshotsInFlight.add(new SnapshotInFlight(encoded));
                return new Snapshot(encoded);
            }

            @Override
            public State fromJournal(Object from) {
                State state = emptyState();
                Y.applyUpdate(state.doc, ((Snapshot) from).encodedState(), SNAPSHOT_ORIGIN);
                return state;
            }
        };
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(UpdatesJournaled.class, this::onUpdatesJournaled)
                .onEvent(SnapshotRequested.class, (state, marker) -> {
                    if (recovered) sequenceNr++;
                    return state;
                })
                .build();
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Join.class, this::onJoin)
                .onCommand(FromClient.class, this::onFromClient)
                .onCommand(Leave.class, (state, leave) -> removeMember(state, leave.connectionId(), "left"))
                .onCommand(ConnectionTerminated.class,
                        (state, t) -> removeMember(state, t.connectionId(), "connection terminated"))
                .onCommand(InitialContentLoaded.class, this::onInitialContent)
                .onCommand(Internal.class, this::onInternal)
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::onRecoveryCompleted)
                .onSignal(RecoveryFailed.class, (state, failed) ->
                        ctx.getLog().error("room {} recovery failed", roomId, failed.getFailure()))
                .onSignal(SnapshotCompleted.class, (state, done) -> onSnapshotSaved(state, done.metadata().sequenceNr()))
                .onSignal(SnapshotFailed.class, (state, failed) -> {
                    snapshotsInFlight.poll();
                    ctx.getLog().warn("room {} snapshot failed", roomId, failed.getFailure());
                })
                .onSignal(PostStop.instance(), state -> {
                    if (recovered) logIncarnation("stopped");
                    registry.release();
                    metrics.roomStopped();
                    emit(HookEvents.ROOM_DESTROYED, null, null, null, Map.of());
                })
                .build();
    }

    // ---------------------------------------------------------------- event handler

    private State onUpdatesJournaled(State state, UpdatesJournaled event) {
        if (recovered) sequenceNr++;
        if (state.appliedAhead == event) {
            state.appliedAhead = null;
        } else {
            for (byte[] update : event.updates()) {
                try {
                    Y.applyUpdate(state.doc, update, RECOVERY_ORIGIN);
                } catch (InvalidUpdateException e) {
                    // Journaled updates were validated when written; if an engine upgrade rejects one,
                    // a room that never recovers helps nobody: skip it loudly.
                    ctx.getLog().error("room {}: journaled update rejected on replay, skipped", roomId, e);
                }
            }
        }
        state.updatesSinceSnapshot += event.updates().size();
        return state;
    }

    // ---------------------------------------------------------------- command handlers

    private void onRecoveryCompleted(State state) {
        long seqNr = lastSequenceNumber(ctx);
        recovered = true;
        sequenceNr = seqNr;
        logIncarnation("started");
        ctx.getLog().debug("room {} recovered at sequence number {}, {} updates replayed after the last snapshot",
                roomId, seqNr, state.updatesSinceSnapshot);
        emit(HookEvents.ROOM_CREATED, null, null, null, Map.of("newDocument", seqNr == 0, "recoveredSequenceNr", seqNr));
        if (seqNr == 0 && type.journaled() && type.loadsInitialContent() && api != null && api.providesInitialContent()) {
            ctx.getLog().debug("room {} is new: asking the CivicPress API for its initial content", roomId);
            ctx.pipeToSelf(api.initialContent(roomId), InitialContentLoaded::new);
        }
        Duration sweep = settings.awarenessTimeout().dividedBy(10);
        timers.startTimerWithFixedDelay(Internal.AWARENESS_SWEEP, Internal.AWARENESS_SWEEP,
                sweep.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : sweep);
        if (settings.snapshotsEnabled()) {
            // The first tick comes 0-20 % early: rooms started together (a node restart, a load test) would
            // otherwise all snapshot in the same second and overflow the journal's write queue.
            Duration interval = settings.snapshotInterval();
            long jitter = (long) (interval.toMillis() * 0.2 * java.util.concurrent.ThreadLocalRandom.current().nextDouble());
            timers.startTimerWithFixedDelay(Internal.SNAPSHOT_TICK, Internal.SNAPSHOT_TICK,
                    interval.minusMillis(jitter), interval);
        }
        if (state.members.isEmpty()) startIdleTimer();
    }

    /**
     * One line per incarnation start (after recovery) and stop, with the node and a wall-clock time that never
     * goes back in this JVM: from these lifetimes ClusterIT shows a room never had two writers at once.
     */
    private void logIncarnation(String what) {
        ctx.getLog().info("room {} incarnation {}: node={} seqNr={} at={}", roomId, what, ctx.getSystem().address(),
                sequenceNr, IncarnationClock.nowMillis());
    }

    private Effect<Event, State> onJoin(State state, Join join) {
        ActorRef<SocketOut> localSocket = localOnly(join.socket());
        Member previous = state.members.put(join.connectionId(), new Member(join.connectionId(), join.connection(),
                join.userId(), localSocket, localSocket == null ? join.relay() : null, join.correlationId()));
        if (previous == null || !previous.ref().equals(join.connection())) {
            if (previous != null) ctx.unwatch(previous.ref());
            ctx.watchWith(join.connection(), new ConnectionTerminated(join.connectionId()));
        }
        timers.cancel(Internal.IDLE_TIMEOUT);
        join.connection().tell(new ClientConnection.Joined(ctx.getSelf()));
        if (previous == null) {
            emit(HookEvents.CLIENT_CONNECTED, join.connectionId(), join.userId(), join.correlationId(),
                    Map.of("connections", state.members.size(), "rejoin", join.rejoin()));
        }
        if (type.journaled()) {
            // Like the y-websocket server: our SyncStep1 makes the client send what we lack.
            Greet greet = new Greet(join.connectionId(), join.rejoin());
            if (state.quiescent()) {
                greet(state, greet);
            } else {
                state.waitingForQuiescence.add(greet);
            }
        }
        if (!state.awareness.isEmpty()) {
            state.members.get(join.connectionId()).send(AwarenessProtocol.encodeMessage(state.awareness.knownStates()));
        }
        return Effect().none();
    }

    private Effect<Event, State> onFromClient(State state, FromClient command) {
        Member member = state.members.get(command.connectionId());
        if (member == null) {
            ctx.getLog().debug("room {}: frame from unknown connection {} dropped", roomId, command.connectionId());
            return Effect().none();
        }
        YMessage message;
        try {
            message = MessageDecoder.decode(command.message());
        } catch (ProtocolException e) {
            return reject(state, member, CloseCodes.INVALID_MESSAGE.code(), e.getMessage(), RejectReason.PROTOCOL_ERROR);
        }
        if (message instanceof YMessage.SyncStep2 step2) {
            return onClientUpdate(state, member, step2.update());
        } else if (message instanceof YMessage.SyncUpdate update) {
            return onClientUpdate(state, member, update.update());
        } else if (message instanceof YMessage.SyncStep1 step1) {
            if (!type.journaled()) {
                member.send(EMPTY_SYNC_STEP2);
                return Effect().none();
            }
            if (state.quiescent()) return answerSyncStep1(state, member, step1.stateVector());
            state.waitingForQuiescence.add(new AnswerSyncStep1(member.connectionId(), step1.stateVector()));
            return Effect().none();
        } else if (message instanceof YMessage.Awareness awareness) {
            state.awareness.apply(member.connectionId(), awareness.entries(), System.nanoTime());
            byte[] frame = AwarenessProtocol.wrapUpdate(awareness.update());
            fanOut(state, frame, member);
            return Effect().none();
        } else if (message instanceof YMessage.QueryAwareness) {
            member.send(AwarenessProtocol.encodeMessage(state.awareness.knownStates()));
            return Effect().none();
        } else {
            // messageAuth: servers send it, clients never do; nothing to act on.
            ctx.getLog().debug("room {}: ignoring auth message from {}", roomId, member.connectionId());
            return Effect().none();
        }
    }

    private Effect<Event, State> onClientUpdate(State state, Member member, byte[] update) {
        if (!type.journaled()) {
            // y-websocket clients send their local doc whatever the room is for; a presence room has none.
            ctx.getLog().debug("room {} ({}): Yjs update from {} dropped", roomId, type.name(), member.connectionId());
            return Effect().none();
        }
        if (!state.waitingForQuiescence.isEmpty()) {
            // An answer is waiting for the journal to catch up with the doc: don't move the doc further.
            return Effect().stash();
        }
        if (type.checkUpdate(roomId, member.userId(), update) instanceof UpdateCheck.Reject refused) {
            return reject(state, member, refused.closeCode(), refused.reason(), refused.metricReason());
        }
        return applyAndJournal(state, member, update);
    }

    /** Applies a validated update ({@code member} null: from the server itself) and journals it. */
    private Effect<Event, State> applyAndJournal(State state, Member member, byte[] update) {
        Object origin = member != null ? member.connectionId() : API_ORIGIN;
        state.docChanged = false;
        try {
            Y.applyUpdate(state.doc, update, origin);
        } catch (InvalidUpdateException e) {
            if (member == null) {
                metrics.messageRejected(RejectReason.INVALID_UPDATE);
                ctx.getLog().error("room {}: initial content from the CivicPress API is not a valid Yjs update, "
                        + "ignored: {}", roomId, e.getMessage());
                return Effect().none();
            }
            return reject(state, member, CloseCodes.INVALID_MESSAGE.code(), "invalid Yjs update: " + e.getMessage(),
                    RejectReason.INVALID_UPDATE);
        } catch (RuntimeException e) {
            // Not a validation error: the doc may be half-applied. Recovery from the journal restores it.
            ctx.getLog().error("room {}: engine failed applying an update from {}", roomId, origin, e);
            if (member != null) {
                member.ref().tell(new ClientConnection.CloseWith(CloseCodes.INTERNAL_ERROR.code(), "internal error"));
            }
            throw e;
        }
        if (!state.docChanged && !state.doc.hasPending()) {
            if (member == null) return Effect().none();
            byte[] echo = SyncProtocol.encodeUpdate(update);
            if (state.quiescent()) {
                member.send(echo);
            } else {
                state.waitingForQuiescence.add(new EchoToSender(member.connectionId(), echo));
            }
            return Effect().none();
        }
        state.buffer.add(update);
        return state.persisting ? Effect().none() : persistBuffer(state);
    }

    private Effect<Event, State> persistBuffer(State state) {
        List<byte[]> batch = state.buffer;
        state.buffer = new ArrayList<>();
        UpdatesJournaled event = new UpdatesJournaled(batch);
        state.appliedAhead = event;
        state.persisting = true;
        state.writeStartedNanos = System.nanoTime();
        return Effect().persist(event).thenRun(journaled -> {
            metrics.journalWrite(Duration.ofNanos(System.nanoTime() - journaled.writeStartedNanos), batch.size());
            long bytes = 0;
            for (byte[] u : batch) bytes += u.length;
            metrics.updatesApplied(batch.size(), bytes);
            broadcastBatch(journaled, event.updates());
            ctx.getSelf().tell(Internal.PERSIST_DONE);
        });
    }

    private Effect<Event, State> onInternal(State state, Internal signal) {
        if (signal != Internal.AWARENESS_SWEEP) ctx.getLog().debug("room {}: {}", roomId, signal);
        switch (signal) {
            case PERSIST_DONE:
                state.persisting = false;
                if (!state.buffer.isEmpty()) return persistBuffer(state);
                runDeferred(state);
                return Effect().unstashAll();
            case IDLE_TIMEOUT:
                if (!state.members.isEmpty()) return Effect().none();
                if (shard != null) {
                    ctx.getLog().debug("room {} idle, passivating", roomId);
                    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
                    return Effect().none();
                }
                return stop(state);
            case STOP:
                return stop(state);
            case AWARENESS_SWEEP:
                long timeout = settings.awarenessTimeout().toNanos();
                broadcastAwareness(state, state.awareness.expire(System.nanoTime(), timeout));
                return Effect().none();
            case SNAPSHOT_TICK:
                if (state.updatesSinceSnapshot > 0 && state.quiescent()) return Effect().persist(new SnapshotRequested());
                return Effect().none();
            default:
                throw new IllegalStateException("unhandled " + signal);
        }
    }

    private Effect<Event, State> stop(State state) {
        // Finish the journal work first: buffered updates were validated and must not be dropped silently.
        if (!state.quiescent()) return Effect().stash();
        if (settings.snapshotsEnabled() && state.updatesSinceSnapshot > 0) {
            // Final snapshot (passivation, rebalance, node shutdown): the next incarnation recovers from it
            // instead of replaying the journal tail. The marker makes shouldSnapshot true.
            ctx.getLog().info("room {} stopping: final snapshot after {} updates", roomId, state.updatesSinceSnapshot);
            return Effect().persist(new SnapshotRequested()).thenStop();
        }
        ctx.getLog().info("room {} stopped", roomId);
        return Effect().stop();
    }

    private Effect<Event, State> answerSyncStep1(State state, Member member, byte[] stateVector) {
        byte[] update;
        try {
            update = Y.encodeStateAsUpdate(state.doc, stateVector);
        } catch (InvalidUpdateException e) {
            return reject(state, member, CloseCodes.INVALID_MESSAGE.code(), "invalid state vector: " + e.getMessage(),
                    RejectReason.INVALID_UPDATE);
        }
        member.send(SyncProtocol.encodeSyncStep2(update));
        return Effect().none();
    }

    private void runDeferred(State state) {
        List<Deferred> deferred = new ArrayList<>(state.waitingForQuiescence);
        state.waitingForQuiescence.clear();
        for (Deferred d : deferred) {
            if (d instanceof AnswerSyncStep1 a) {
                Member m = state.members.get(a.connectionId());
                if (m != null) answerSyncStep1(state, m, a.stateVector());
            } else if (d instanceof Greet g) {
                greet(state, g);
            } else if (d instanceof EchoToSender e) {
                Member m = state.members.get(e.connectionId());
                if (m != null) m.send(e.frame());
            }
        }
    }

    private void broadcastBatch(State state, List<byte[]> batch) {
        for (byte[] frame : outgoingFrames(batch)) fanOut(state, frame, null);
    }

    /** One frame per batch, encoded once and shared by every connection. */
    private List<byte[]> outgoingFrames(List<byte[]> batch) {
        if (batch.size() == 1) return List.of(SyncProtocol.encodeUpdate(batch.get(0)));
        try {
            return List.of(SyncProtocol.encodeUpdate(Y.mergeUpdates(batch)));
        } catch (RuntimeException e) {
            // Every update was accepted by applyUpdate, so this is an engine bug: still deliver, one frame each.
            ctx.getLog().error("room {}: merging a batch of {} updates failed", roomId, batch.size(), e);
            List<byte[]> frames = new ArrayList<>(batch.size());
            for (byte[] update : batch) frames.add(SyncProtocol.encodeUpdate(update));
            return frames;
        }
    }

    private Effect<Event, State> reject(State state, Member member, int closeCode, String reason, String metricReason) {
        ctx.getLog().info("room {}: closing connection {} with {}: {}", roomId, member.connectionId(), closeCode, reason);
        metrics.messageRejected(metricReason);
        member.ref().tell(new ClientConnection.CloseWith(closeCode, truncate(reason)));
        return removeMember(state, member.connectionId(), "rejected");
    }

    /** Sends the server's SyncStep1 and, on a re-join, the whole document. Only when quiescent. */
    private void greet(State state, Greet greet) {
        Member m = state.members.get(greet.connectionId());
        if (m == null) return;
        m.send(SyncProtocol.encodeSyncStep1(Y.encodeStateVector(state.doc)));
        if (greet.fullState()) {
            m.send(SyncProtocol.encodeSyncStep2(Y.encodeStateAsUpdate(state.doc)));
        }
    }

    private Effect<Event, State> onInitialContent(State state, InitialContentLoaded loaded) {
        if (loaded.failure() != null) {
            ctx.getLog().warn("room {}: no initial content from the CivicPress API ({}); the room starts empty",
                    roomId, loaded.failure().getMessage());
            return Effect().none();
        }
        if (loaded.update().isEmpty()) {
            ctx.getLog().debug("room {}: the CivicPress API has no initial content", roomId);
            return Effect().none();
        }
        // Same path as a client update, so that it is journaled before anyone sees it.
        if (!state.waitingForQuiescence.isEmpty()) return Effect().stash();
        ctx.getLog().info("room {}: initial content loaded from the CivicPress API ({} bytes)", roomId,
                loaded.update().get().length);
        return applyAndJournal(state, null, loaded.update().get());
    }

    private void onSnapshotSaved(State state, long sequenceNr) {
        state.updatesSinceSnapshot = 0;
        SnapshotInFlight saved = snapshotsInFlight.poll();
        if (saved != null) {
            metrics.snapshotSaved(saved.encodedState().length);
            if (api != null && api.pushesSnapshots()) api.pushSnapshot(roomId, sequenceNr, saved.encodedState());
        }
        emit(HookEvents.SNAPSHOT_SAVED, null, null, null, Map.of("sequenceNr", sequenceNr));
    }

    /** A hook event of this room, carrying its type; {@code correlationId}: the client connection's, or null. */
    private void emit(String event, String clientId, String userId, String correlationId, Map<String, Object> data) {
        Map<String, Object> extra = type.hookData(roomId);
        Map<String, Object> all = data;
        if (!extra.isEmpty()) {
            all = new LinkedHashMap<>(extra);
            all.putAll(data);
        }
        hooks.emit(new HookEvent(event, Instant.now(), roomId, type.name(), settings.nodeName(), clientId, userId,
                correlationId, all));
    }

    private Effect<Event, State> removeMember(State state, String connectionId, String why) {
        Member member = state.members.remove(connectionId);
        if (member == null) return Effect().none();
        ctx.unwatch(member.ref());
        broadcastAwareness(state, state.awareness.removeConnection(connectionId, System.nanoTime()));
        emit(HookEvents.CLIENT_DISCONNECTED, connectionId, member.userId(), member.correlationId(),
                Map.of("reason", why, "connections", state.members.size()));
        if (state.members.isEmpty()) startIdleTimer();
        return Effect().none();
    }

    private void broadcastAwareness(State state, Collection<AwarenessProtocol.Entry> removed) {
        if (removed.isEmpty()) return;
        fanOut(state, AwarenessProtocol.encodeMessage(removed), null);
    }

    /**
     * Sends one frame to every member but {@code except}: straight to the sockets in this JVM, and one message
     * per other node, to its relay, naming that node's receivers (not one remote message per client).
     */
    private static void fanOut(State state, byte[] frame, Member except) {
        SocketOut.Frame direct = new SocketOut.Frame(frame);
        ClientConnection.Send viaConnection = null;
        Map<ActorRef<NodeRelay.Command>, List<String>> perNode = null;
        for (Member m : state.members.values()) {
            if (m == except) continue;
            if (m.socket() != null) {
                m.socket().tell(direct);
            } else if (m.relay() != null) {
                if (perNode == null) perNode = new HashMap<>();
                perNode.computeIfAbsent(m.relay(), relay -> new ArrayList<>()).add(m.connectionId());
            } else {
                if (viaConnection == null) viaConnection = new ClientConnection.Send(frame);
                m.ref().tell(viaConnection);
            }
        }
        if (perNode != null) perNode.forEach((relay, ids) -> relay.tell(new NodeRelay.Deliver(frame, ids)));
    }

    /**
     * The socket ref only when it lives in this JVM: a remote socket would need SocketOut to be
     * serializable, and the connection actor next to it forwards just as well.
     */
    private static ActorRef<SocketOut> localOnly(ActorRef<SocketOut> socket) {
        return socket != null && socket.path().address().hasLocalScope() ? socket : null;
    }

    private void startIdleTimer() {
        timers.startSingleTimer(Internal.IDLE_TIMEOUT, Internal.IDLE_TIMEOUT, settings.passivateAfterIdle());
    }

    /** WebSocket close reasons are limited to 123 bytes. */
    private static String truncate(String reason) {
        return reason.length() <= 100 ? reason : reason.substring(0, 100);
    }
}
