package org.civicpress.realtime.room;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
import org.civicpress.realtime.delivery.NodeRelay;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.CloseReasons;
import org.civicpress.realtime.history.AsOf;
import org.civicpress.realtime.history.DocRestore;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.protocol.AwarenessProtocol;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.ProtocolException;
import org.civicpress.realtime.protocol.RoomExtensionFrames;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.FanOut.Member;
import org.civicpress.realtime.room.GroupCommit.AnswerSyncStep1;
import org.civicpress.realtime.room.GroupCommit.Deferred;
import org.civicpress.realtime.room.GroupCommit.EchoToSender;
import org.civicpress.realtime.room.GroupCommit.Greet;
import org.civicpress.realtime.roomtypes.RoomType;
import org.civicpress.realtime.roomtypes.UpdateCheck;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.Transaction;

/**
 * One collaborative document: a sharded, event-sourced actor holding a ycrdt {@link Doc}. The design (durability,
 * group commit, snapshots, re-joins, lifecycle) is described in the package note ({@code package-info.java}).
 */
public final class Room extends EventSourcedBehavior<Room.Command, Room.Event, Room.State> {

    // ---------------------------------------------------------------- state

    /**
     * Mutable state owned by the room actor (departure from Pekko's immutable state: a Yjs doc is mutable and
     * large, copying it per event is not an option). The doc and the counters are rebuilt by recovery; members,
     * awareness and the group commit describe this incarnation only.
     */
    public static final class State {
        final Doc doc;
        final Map<String, Member> members = new LinkedHashMap<>();
        final RoomAwareness awareness = new RoomAwareness();
        final GroupCommit commit = new GroupCommit();
        /** Document size and pending bytes an update may add (rebuilt by recovery, like the doc). */
        final UpdateLimits limits;

        long updatesSinceSnapshot;
        /** Did the last applyUpdate change the doc? (what makes Yjs emit an 'update' event) */
        private boolean docChanged;

        State(Doc doc, RoomSettings.Limits limits) {
            this.doc = doc;
            this.limits = new UpdateLimits(limits);
            // Same test as Yjs before emitting 'update', without encoding the update nobody needs.
            doc.onAfterTransaction(tr -> docChanged |= !tr.deleteSet.clients.isEmpty() || stateChanged(tr));
        }

        private static boolean stateChanged(Transaction tr) {
            for (Map.Entry<Long, Long> e : tr.afterState.entrySet()) {
                if (!e.getValue().equals(tr.beforeState.get(e.getKey()))) return true;
            }
            return false;
        }

        /**
         * Applies an update to the doc; true when it must be journaled (it changed the doc or what the doc holds
         * pending: an update re-sent while its dependencies are still missing is not journaled again).
         * Throws {@link InvalidUpdateException} leaving the doc unchanged when ycrdt rejects it.
         */
        boolean apply(byte[] update, Object origin) {
            docChanged = false;
            byte[] pendingStructs = doc.store.pendingStructs != null ? doc.store.pendingStructs.update() : null;
            byte[] pendingDs = doc.store.pendingDs;
            Y.applyUpdate(doc, update, origin);
            return docChanged || !UpdateLimits.samePending(pendingStructs, pendingDs, doc);
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
            return commit.quiescent();
        }
    }

    // ---------------------------------------------------------------- commands

    public sealed interface Command extends CborSerializable {}

    /**
     * A connection joins; the room answers {@link Joined} on {@code connection}, then its SyncStep1 and the
     * awareness states: straight to its socket when {@code relay} is this node's (the socket is then registered
     * there under {@code connectionId}), else through {@code relay}, the relay of the connection's node. {@code userId} null = anonymous. {@code rejoin}: the connection was joined to an
     * incarnation that stopped; the room also sends it the whole document (see "Re-joins" in the package note).
     * {@code extensionFrames}: the connection understands {@link RoomExtensionFrames} (durable acks, stateless
     * messages): the Hocuspocus endpoint's connections; y-websocket connections never receive them.
     */
    public record Join(
            String connectionId,
            ActorRef<ToConnection> connection,
            String userId,
            boolean rejoin,
            ActorRef<NodeRelay.Command> relay,
            String correlationId,
            boolean extensionFrames)
            implements Command {
        public Join {
            Objects.requireNonNull(connectionId, "connectionId");
            Objects.requireNonNull(connection, "connection");
            Objects.requireNonNull(relay, "relay");
        }

        /** A y-websocket connection (no extension frames). */
        public Join(
                String connectionId,
                ActorRef<ToConnection> connection,
                String userId,
                boolean rejoin,
                ActorRef<NodeRelay.Command> relay,
                String correlationId) {
            this(connectionId, connection, userId, rejoin, relay, correlationId, false);
        }
    }

    /** One complete binary y-websocket frame from a joined connection. */
    public record FromClient(String connectionId, byte[] message) implements Command {}

    public record Leave(String connectionId) implements Command {}

    /** Admin: what the room holds, answered once the journal holds everything the doc holds. */
    public record Inspect(ActorRef<Inspection> replyTo) implements Command {}

    /** Admin: close every connection with {@code closeCode} and passivate; answers how many were closed. */
    public record Close(int closeCode, String reason, ActorRef<Closed> replyTo) implements Command {}

    /**
     * Admin rollback: make the document show {@code targetState} (the document as of an earlier point, as one
     * update) by a new update that goes the way of every client update (journaled, then broadcast), recorded as
     * sent by {@code userId} from connection {@value #ROLLBACK_CONNECTION_ID}. Answered once journaled.
     */
    public record RestoreTo(byte[] targetState, String userId, ActorRef<Restored> replyTo) implements Command {
        public RestoreTo {
            Objects.requireNonNull(targetState, "targetState");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    private record ConnectionTerminated(String connectionId) implements Command {}

    /** The API's answer for the initial content (piped back to the actor). */
    private record InitialContentLoaded(Optional<byte[]> update, Throwable failure) implements Command {}

    /** The journal's or snapshot store's answer to a delete (see {@link SnapshotRetention}). */
    private record RetentionResult(Object result) implements Command {}

    private enum Internal implements Command {
        PERSIST_DONE,
        IDLE_TIMEOUT,
        AWARENESS_SWEEP,
        SNAPSHOT_TICK,
        STOP
    }

    // ---------------------------------------------------------------- what the room sends

    /** What a room sends to a joined connection (the ref in {@link Join#connection()}). */
    public sealed interface ToConnection extends CborSerializable {}

    /** This incarnation accepted the join: the connection sends its frames here and watches it. */
    public record Joined(ActorRef<Command> incarnation) implements ToConnection {}

    /** Close the socket with this code and reason, and stop. */
    public record CloseWith(int code, String reason) implements ToConnection {}

    /** A member as {@link Inspect} reports it. */
    public record MemberInfo(String connectionId, String userId) implements CborSerializable {}

    /**
     * Answer to {@link Inspect}. {@code encodedState}: the document as one Yjs update (null for a room type
     * without a document); {@code lastSnapshotSequenceNr} 0 = no snapshot yet.
     */
    public record Inspection(
            String roomId,
            String roomType,
            List<MemberInfo> members,
            long sequenceNr,
            long updatesSinceSnapshot,
            long lastSnapshotSequenceNr,
            byte[] encodedState)
            implements CborSerializable {}

    /** Answer to {@link Close}. */
    public record Closed(int connectionsClosed) implements CborSerializable {}

    /**
     * Answer to {@link RestoreTo}: {@code changed} false when the document already showed that state (nothing
     * journaled); {@code sequenceNr} the room's last journaled event once the restoring update is in the
     * journal; {@code error} non-null when the room could not make the update (nothing journaled).
     */
    public record Restored(boolean changed, long sequenceNr, String error) implements CborSerializable {}

    // ---------------------------------------------------------------- events and snapshot

    public sealed interface Event {}

    /**
     * One client update as journaled, with who sent it: {@code userId} of the connection's Join (null =
     * anonymous), {@code connectionId} ("api" for initial content from the CivicPress API) and the server time
     * it reached the room. Events written before this was recorded read back with nulls and 0.
     */
    public record JournaledUpdate(byte[] update, String userId, String connectionId, long receivedAtMillis) {
        public JournaledUpdate {
            Objects.requireNonNull(update, "update");
        }
    }

    /** One journal write: the client updates of one group commit, in arrival order. */
    public record UpdatesJournaled(List<JournaledUpdate> updates) implements Event {
        public UpdatesJournaled {
            updates = List.copyOf(updates);
        }
    }

    /** Marker persisted by the interval timer and on stop so that a snapshot is taken. */
    public record SnapshotRequested() implements Event {}

    /** The snapshot as stored: the whole document as one Yjs v1 update. */
    public record Snapshot(byte[] encodedState) {}

    // ---------------------------------------------------------------- sharding key and init

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "room");

    /** Connection id of the updates the room journals for the CivicPress API (initial content). */
    public static final String API_CONNECTION_ID = "api";

    /** Connection id of the updates the room journals for an admin rollback ({@link RestoreTo}). */
    public static final String ROLLBACK_CONNECTION_ID = "rollback";

    /** Registers rooms with cluster sharding. Call once per ActorSystem. */
    public static void init(ActorSystem<?> system, RoomSettings settings, RoomServices services) {
        ClusterSharding.get(system)
                .init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, services, ctx.getShard()))
                        .withStopMessage(Internal.STOP)
                        // rooms decide themselves: connected-but-silent clients must keep them alive
                        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
    }

    /**
     * The room behaviour. {@code shard} may be null outside sharding: the room then stops itself instead of
     * asking the shard to passivate it.
     */
    public static Behavior<Command> create(
            String roomId, RoomSettings settings, RoomServices services, ActorRef<ClusterSharding.ShardCommand> shard) {
        // Every log line of the room (and of code it calls on its thread) carries roomId and node.
        return Behaviors.withMdc(
                Command.class, Map.of("roomId", roomId, "node", settings.nodeName()), Behaviors.setup(ctx -> {
                    RoomRegistry registry = RoomRegistry.get(ctx.getSystem());
                    if (!registry.tryAcquire(settings.maxRoomsPerNode())) {
                        ctx.getLog()
                                .warn(
                                        "room {} refused: {} rooms already live on this node",
                                        roomId,
                                        registry.liveRooms());
                        return refusing(services.metrics());
                    }
                    services.metrics().roomStarted();
                    return Behaviors.withTimers(
                            timers -> new Room(roomId, settings, services, shard, ctx, timers, registry));
                }));
    }

    private static Behavior<Command> refusing(RealtimeMetrics metrics) {
        return Behaviors.receive(Command.class)
                .onMessage(Join.class, join -> {
                    metrics.messageRejected(RejectReason.ROOM_LIMIT);
                    join.connection().tell(new CloseWith(CloseCodes.RATE_LIMITED.code(), "max rooms per node reached"));
                    return Behaviors.stopped();
                })
                .onAnyMessage(any -> Behaviors.stopped())
                .build();
    }

    private static final Object RECOVERY_ORIGIN = "recovery";
    /**
     * Replayed updates merged per apply: bounds what recovery holds besides the doc; from 256 to 4,096 the
     * cold replay of automerge-paper edits costs the same (measured with the ydoc CLI, which merges alike).
     */
    private static final int REPLAY_MERGE_CHUNK = 1024;

    private static final Object SNAPSHOT_ORIGIN = "snapshot";
    private static final Object API_ORIGIN = API_CONNECTION_ID;
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
    private final SnapshotRetention retention;
    // Incarnation bookkeeping outside State (departure from Pekko's "all state in State"): it describes this
    // actor's lifetime, not the document, and the signal handlers and snapshot adapter need it too.
    /** Recovery completed: this incarnation is the room's writer from now until PostStop. */
    private boolean recovered;
    /** Events replayed during recovery (after the snapshot, if any): gives the snapshot's sequence number. */
    private long replayedEvents;
    /** Last sequence number of this incarnation (each persist writes one event). */
    private long sequenceNr;
    /** Snapshots handed to the store, oldest first (completions arrive in order). */
    private final ArrayDeque<SnapshotInFlight> snapshotsInFlight = new ArrayDeque<>();
    /**
     * Updates of the events replayed by recovery, not applied yet: applied merged every
     * {@link #REPLAY_MERGE_CHUNK} updates and when recovery completes ({@link #applyReplayed}).
     */
    private final List<byte[]> replayed = new ArrayList<>();

    private Room(
            String roomId,
            RoomSettings settings,
            RoomServices services,
            ActorRef<ClusterSharding.ShardCommand> shard,
            ActorContext<Command> ctx,
            TimerScheduler<Command> timers,
            RoomRegistry registry) {
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
        this.retention = new SnapshotRetention(
                ctx.getSystem(),
                persistenceId(),
                settings.deleteEventsOnSnapshot(),
                settings.retainEventsFor(),
                ctx.messageAdapter(Object.class, RetentionResult::new));
    }

    @Override
    public State emptyState() {
        return new State(new Doc(), settings.limits());
    }

    /** Disabled: {@link SnapshotRetention} deletes after every snapshot, not only at multiples of n. */
    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.disabled();
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
                // Side effect in the adapter (departure): the encoding is reused for the API push after the save.
                snapshotsInFlight.add(new SnapshotInFlight(encoded));
                state.limits.measured(encoded.length);
                return new Snapshot(encoded);
            }

            @Override
            public State fromJournal(Object from) {
                State state = emptyState();
                byte[] encoded = ((Snapshot) from).encodedState();
                Y.applyUpdate(state.doc, encoded, SNAPSHOT_ORIGIN);
                state.limits.measured(encoded.length);
                return state;
            }
        };
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(Join.class, this::onJoin)
                .onCommand(FromClient.class, this::onFromClient)
                .onCommand(Leave.class, (state, leave) -> removeMember(state, leave.connectionId(), "left"))
                .onCommand(
                        ConnectionTerminated.class,
                        (state, t) -> removeMember(state, t.connectionId(), "connection terminated"))
                .onCommand(Inspect.class, this::onInspect)
                .onCommand(Close.class, this::onClose)
                .onCommand(InitialContentLoaded.class, this::onInitialContent)
                .onCommand(RestoreTo.class, this::onRestoreTo)
                .onCommand(RetentionResult.class, (state, r) -> {
                    SnapshotRetention.logResult(ctx.getLog(), roomId, r.result());
                    return Effect().none();
                })
                .onCommand(Internal.class, this::onInternal)
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), this::onRecoveryCompleted)
                .onSignal(RecoveryFailed.class, (state, failed) -> ctx.getLog()
                        .error("room {} recovery failed", roomId, failed.getFailure()))
                .onSignal(
                        SnapshotCompleted.class,
                        (state, done) -> onSnapshotSaved(state, done.metadata().sequenceNr()))
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

    // ---------------------------------------------------------------- command handlers

    private void onRecoveryCompleted(State state) {
        applyReplayed(state);
        long seqNr = lastSequenceNumber(ctx);
        recovered = true;
        sequenceNr = seqNr;
        retention.recovered(seqNr - replayedEvents);
        logIncarnation("started");
        ctx.getLog()
                .debug(
                        "room {} recovered at sequence number {}, {} updates replayed after the last snapshot",
                        roomId,
                        seqNr,
                        state.updatesSinceSnapshot);
        emit(
                HookEvents.ROOM_CREATED,
                null,
                null,
                null,
                Map.of("newDocument", seqNr == 0, "recoveredSequenceNr", seqNr));
        if (seqNr == 0
                && type.journaled()
                && type.loadsInitialContent()
                && api != null
                && api.providesInitialContent()) {
            ctx.getLog().debug("room {} is new: asking the CivicPress API for its initial content", roomId);
            ctx.pipeToSelf(api.initialContent(roomId), InitialContentLoaded::new);
        }
        Duration sweep = settings.awarenessTimeout().dividedBy(10);
        timers.startTimerWithFixedDelay(
                Internal.AWARENESS_SWEEP,
                Internal.AWARENESS_SWEEP,
                sweep.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : sweep);
        if (settings.snapshotsEnabled()) {
            // The first tick comes 0-20 % early: rooms started together (a node restart, a load test) would
            // otherwise all snapshot in the same second and overflow the journal's write queue.
            Duration interval = settings.snapshotInterval();
            long jitter = (long)
                    (interval.toMillis() * 0.2 * ThreadLocalRandom.current().nextDouble());
            timers.startTimerWithFixedDelay(
                    Internal.SNAPSHOT_TICK, Internal.SNAPSHOT_TICK, interval.minusMillis(jitter), interval);
        }
        if (state.members.isEmpty()) startIdleTimer();
    }

    private Effect<Event, State> onJoin(State state, Join join) {
        Member previous = state.members.put(join.connectionId(), Member.of(join, NodeRelay.get(ctx.getSystem())));
        if (previous == null || !previous.connection().equals(join.connection())) {
            if (previous != null) ctx.unwatch(previous.connection());
            ctx.watchWith(join.connection(), new ConnectionTerminated(join.connectionId()));
        }
        timers.cancel(Internal.IDLE_TIMEOUT);
        join.connection().tell(new Joined(ctx.getSelf()));
        if (previous == null) {
            emit(
                    HookEvents.CLIENT_CONNECTED,
                    join.connectionId(),
                    join.userId(),
                    join.correlationId(),
                    Map.of("connections", state.members.size(), "rejoin", join.rejoin()));
        }
        if (type.journaled()) {
            // Like the y-websocket server: our SyncStep1 makes the client send what we lack.
            Greet greet = new Greet(join.connectionId(), join.rejoin());
            if (state.quiescent()) {
                greet(state, greet);
            } else {
                state.commit.defer(greet);
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
        if (member.extensionFrames() && RoomExtensionFrames.isExtension(command.message())) {
            return onExtensionFrame(state, member, command.message());
        }
        YMessage message;
        try {
            message = MessageDecoder.decode(command.message());
        } catch (ProtocolException e) {
            return reject(
                    state, member, CloseCodes.INVALID_MESSAGE.code(), e.getMessage(), RejectReason.PROTOCOL_ERROR);
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
            state.commit.defer(new AnswerSyncStep1(member.connectionId(), step1.stateVector()));
            return Effect().none();
        } else if (message instanceof YMessage.Awareness awareness) {
            String overLimit = state.awareness.refusal(member.connectionId(), awareness.entries(), settings.limits());
            if (overLimit != null) {
                return reject(state, member, CloseCodes.RATE_LIMITED.code(), overLimit, RejectReason.OVER_LIMIT);
            }
            state.awareness.apply(member.connectionId(), awareness.entries(), System.nanoTime());
            FanOut.toAll(state.members.values(), AwarenessProtocol.wrapUpdate(awareness.update()), member);
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

    /**
     * A stateless message from a Hocuspocus connection: to the hook listeners and, when it asks, to the other
     * members that understand it. Not derived from the document, so it needs no journal write first.
     */
    private Effect<Event, State> onExtensionFrame(State state, Member member, byte[] frame) {
        if (frame[0] != RoomExtensionFrames.STATELESS) return Effect().none(); // acks only go to clients
        RoomExtensionFrames.Stateless stateless;
        try {
            stateless = RoomExtensionFrames.decodeStateless(frame);
        } catch (ProtocolException e) {
            return reject(
                    state, member, CloseCodes.INVALID_MESSAGE.code(), e.getMessage(), RejectReason.PROTOCOL_ERROR);
        }
        emit(
                HookEvents.STATELESS,
                member.connectionId(),
                member.userId(),
                member.correlationId(),
                Map.of("payload", stateless.payload()));
        if (stateless.relay()) {
            byte[] out = RoomExtensionFrames.stateless(stateless.payload(), false);
            for (Member m : state.members.values()) {
                if (m != member && m.extensionFrames()) m.send(out);
            }
        }
        return Effect().none();
    }

    private Effect<Event, State> onClientUpdate(State state, Member member, byte[] update) {
        if (!type.journaled()) {
            // y-websocket clients send their local doc whatever the room is for; a presence room has none.
            ctx.getLog().debug("room {} ({}): Yjs update from {} dropped", roomId, type.name(), member.connectionId());
            return Effect().none();
        }
        if (state.commit.answersWaiting()) {
            // An answer is waiting for the journal to catch up with the doc: don't move the doc further.
            return Effect().stash();
        }
        if (type.checkUpdate(roomId, member.userId(), update) instanceof UpdateCheck.Reject refused) {
            return reject(state, member, refused.closeCode(), refused.reason(), refused.metricReason());
        }
        String overLimit = state.limits.refusal(state.doc, update);
        if (overLimit != null) {
            return reject(state, member, CloseCodes.RATE_LIMITED.code(), overLimit, RejectReason.OVER_LIMIT);
        }
        return applyAndJournal(state, member, update);
    }

    /**
     * Applies a validated update ({@code member} null: from the server itself) and journals it. The doc changes
     * here, before the event is journaled (departure from "state changes only in the event handler"): applying
     * is the validation, and the doc must include the update before the next one is validated; the event handler
     * skips the batch ({@link GroupCommit#takeAppliedAhead}), and a failed write stops the incarnation.
     */
    private Effect<Event, State> applyAndJournal(State state, Member member, byte[] update) {
        return applyAndJournal(state, member, update, null, API_CONNECTION_ID);
    }

    /**
     * {@code member} null: a server-made update, journaled as sent by {@code serverUserId} from
     * {@code serverConnectionId} ({@value #API_CONNECTION_ID}: initial content, {@value #ROLLBACK_CONNECTION_ID}).
     */
    private Effect<Event, State> applyAndJournal(
            State state, Member member, byte[] update, String serverUserId, String serverConnectionId) {
        Object origin = member != null ? member.connectionId() : serverConnectionId;
        boolean journal;
        try {
            journal = state.apply(update, origin);
        } catch (InvalidUpdateException e) {
            if (member == null) {
                metrics.messageRejected(RejectReason.INVALID_UPDATE);
                ctx.getLog()
                        .error(
                                "room {}: server-made update ({}) is not a valid Yjs update, ignored: {}",
                                roomId,
                                serverConnectionId,
                                e.getMessage());
                return Effect().none();
            }
            return reject(
                    state,
                    member,
                    CloseCodes.INVALID_MESSAGE.code(),
                    "invalid Yjs update: " + e.getMessage(),
                    RejectReason.INVALID_UPDATE);
        } catch (RuntimeException e) {
            // Not a validation error: the doc may be half-applied. Recovery from the journal restores it.
            ctx.getLog().error("room {}: engine failed applying an update from {}", roomId, origin, e);
            if (member != null) {
                member.connection().tell(new CloseWith(CloseCodes.INTERNAL_ERROR.code(), "internal error"));
            }
            throw e;
        }
        if (!journal) {
            if (member == null) return Effect().none();
            // The durable acknowledgement of an update that changed nothing: an echo for y-websocket, an ack
            // for a connection that counts them (nothing to journal, so it is as durable as it gets).
            byte[] echo =
                    member.extensionFrames() ? RoomExtensionFrames.durableAck(1) : SyncProtocol.encodeUpdate(update);
            if (state.quiescent()) {
                member.send(echo);
            } else {
                state.commit.defer(new EchoToSender(member.connectionId(), echo));
            }
            return Effect().none();
        }
        state.limits.applied(update.length);
        state.commit.buffer(
                member != null
                        ? new JournaledUpdate(
                                update, member.userId(), member.connectionId(), System.currentTimeMillis())
                        : new JournaledUpdate(update, serverUserId, serverConnectionId, System.currentTimeMillis()));
        return state.commit.persisting() ? Effect().none() : persistBuffer(state);
    }

    private Effect<Event, State> persistBuffer(State state) {
        UpdatesJournaled event = state.commit.startWrite();
        return Effect().persist(event).thenRun(journaled -> {
            List<byte[]> batch = new ArrayList<>(event.updates().size());
            long bytes = 0;
            for (JournaledUpdate u : event.updates()) {
                batch.add(u.update());
                bytes += u.update().length;
            }
            metrics.journalWrite(
                    Duration.ofNanos(System.nanoTime() - journaled.commit.writeStartedNanos()), batch.size());
            metrics.updatesApplied(batch.size(), bytes);
            for (byte[] frame : outgoingFrames(batch)) FanOut.toAll(journaled.members.values(), frame, null);
            acknowledge(journaled, event);
            ctx.getSelf().tell(Internal.PERSIST_DONE);
        });
    }

    /** After a write: each member that counts acks learns how many of its updates the journal now has. */
    private static void acknowledge(State state, UpdatesJournaled event) {
        Map<String, Integer> counts = null;
        for (JournaledUpdate u : event.updates()) {
            Member m = u.connectionId() == null ? null : state.members.get(u.connectionId());
            if (m == null || !m.extensionFrames()) continue;
            if (counts == null) counts = new LinkedHashMap<>();
            counts.merge(m.connectionId(), 1, Integer::sum);
        }
        if (counts == null) return;
        counts.forEach((id, n) -> state.members.get(id).send(RoomExtensionFrames.durableAck(n)));
    }

    private Effect<Event, State> onInspect(State state, Inspect inspect) {
        // Derived from the doc: like every answer, only once the journal has everything the doc has.
        if (!state.quiescent()) return Effect().stash();
        List<MemberInfo> members = new ArrayList<>(state.members.size());
        for (Member m : state.members.values()) members.add(new MemberInfo(m.connectionId(), m.userId()));
        inspect.replyTo()
                .tell(new Inspection(
                        roomId,
                        type.name(),
                        members,
                        sequenceNr,
                        state.updatesSinceSnapshot,
                        retention.lastSnapshotSeqNr(),
                        type.journaled() ? Y.encodeStateAsUpdate(state.doc) : null));
        return Effect().none();
    }

    /**
     * The restoring update is computed here, against the room's own doc (so edits racing with the request are
     * taken into account), and journaled like a client update; the answer waits until the journal has it.
     */
    private Effect<Event, State> onRestoreTo(State state, RestoreTo restore) {
        if (!type.journaled()) {
            restore.replyTo().tell(new Restored(false, sequenceNr, "room type " + type.name() + " has no document"));
            return Effect().none();
        }
        if (state.commit.answersWaiting()) return Effect().stash();
        byte[] update;
        try {
            update = DocRestore.restoringUpdate(state.doc, AsOf.rebuild(restore.targetState(), List.of()));
        } catch (RuntimeException e) {
            ctx.getLog().error("room {}: could not compute the rollback update", roomId, e);
            restore.replyTo().tell(new Restored(false, sequenceNr, "could not compute the rollback: " + e));
            return Effect().none();
        }
        if (update == null) {
            restore.replyTo().tell(new Restored(false, sequenceNr, null));
            return Effect().none();
        }
        ctx.getLog().info("room {}: rollback requested by {} ({} bytes)", roomId, restore.userId(), update.length);
        Effect<Event, State> effect = applyAndJournal(state, null, update, restore.userId(), ROLLBACK_CONNECTION_ID);
        // Answered like every other answer: once the journal holds everything the doc holds.
        Runnable answer = () -> restore.replyTo().tell(new Restored(true, sequenceNr, null));
        if (state.quiescent()) {
            answer.run();
        } else {
            state.commit.defer(new GroupCommit.Notify(answer));
        }
        return effect;
    }

    private Effect<Event, State> onClose(State state, Close close) {
        ctx.getLog()
                .info(
                        "room {}: closing {} connections with {} ({})",
                        roomId,
                        state.members.size(),
                        close.closeCode(),
                        close.reason());
        List<Member> closing = new ArrayList<>(state.members.values());
        for (Member m : closing) {
            m.connection().tell(new CloseWith(close.closeCode(), CloseReasons.truncate(close.reason())));
            removeMember(state, m.connectionId(), "room closed");
        }
        close.replyTo().tell(new Closed(closing.size()));
        return passivate(state);
    }

    private Effect<Event, State> onInternal(State state, Internal signal) {
        if (signal != Internal.AWARENESS_SWEEP) ctx.getLog().debug("room {}: {}", roomId, signal);
        switch (signal) {
            case PERSIST_DONE:
                state.commit.writeCompleted();
                if (state.commit.hasBuffered()) return persistBuffer(state);
                runDeferred(state);
                return Effect().unstashAll();
            case IDLE_TIMEOUT:
                if (!state.members.isEmpty()) return Effect().none();
                return passivate(state);
            case STOP:
                return stop(state);
            case AWARENESS_SWEEP:
                long timeout = settings.awarenessTimeout().toNanos();
                broadcastAwareness(state, state.awareness.expire(System.nanoTime(), timeout));
                return Effect().none();
            case SNAPSHOT_TICK:
                if (state.updatesSinceSnapshot > 0 && state.quiescent())
                    return Effect().persist(new SnapshotRequested());
                return Effect().none();
            default:
                throw new IllegalStateException("unhandled " + signal);
        }
    }

    /** Asks the shard to stop this room (it answers with STOP); outside sharding, stops right away. */
    private Effect<Event, State> passivate(State state) {
        if (shard != null) {
            ctx.getLog().debug("room {} passivating", roomId);
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
            return Effect().none();
        }
        return stop(state);
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
            return reject(
                    state,
                    member,
                    CloseCodes.INVALID_MESSAGE.code(),
                    "invalid state vector: " + e.getMessage(),
                    RejectReason.INVALID_UPDATE);
        }
        member.send(SyncProtocol.encodeSyncStep2(update));
        return Effect().none();
    }

    private void runDeferred(State state) {
        for (Deferred d : state.commit.takeDeferred()) {
            if (d instanceof AnswerSyncStep1 a) {
                Member m = state.members.get(a.connectionId());
                if (m != null) answerSyncStep1(state, m, a.stateVector());
            } else if (d instanceof Greet g) {
                greet(state, g);
            } else if (d instanceof EchoToSender e) {
                Member m = state.members.get(e.connectionId());
                if (m != null) m.send(e.frame());
            } else if (d instanceof GroupCommit.Notify n) {
                n.action().run();
            }
        }
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
        ctx.getLog()
                .info("room {}: closing connection {} with {}: {}", roomId, member.connectionId(), closeCode, reason);
        metrics.messageRejected(metricReason);
        member.connection().tell(new CloseWith(closeCode, CloseReasons.truncate(reason)));
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
            ctx.getLog()
                    .warn(
                            "room {}: no initial content from the CivicPress API ({}); the room starts empty",
                            roomId,
                            loaded.failure().getMessage());
            return Effect().none();
        }
        if (loaded.update().isEmpty()) {
            ctx.getLog().debug("room {}: the CivicPress API has no initial content", roomId);
            return Effect().none();
        }
        // Same path as a client update, so that it is journaled before anyone sees it.
        if (state.commit.answersWaiting()) return Effect().stash();
        ctx.getLog()
                .info(
                        "room {}: initial content loaded from the CivicPress API ({} bytes)",
                        roomId,
                        loaded.update().get().length);
        return applyAndJournal(state, null, loaded.update().get());
    }

    private void onSnapshotSaved(State state, long seqNr) {
        state.updatesSinceSnapshot = 0;
        retention.snapshotSaved(seqNr);
        SnapshotInFlight saved = snapshotsInFlight.poll();
        if (saved != null) {
            metrics.snapshotSaved(saved.encodedState().length);
            if (api != null && api.pushesSnapshots()) api.pushSnapshot(roomId, seqNr, saved.encodedState());
        }
        emit(HookEvents.SNAPSHOT_SAVED, null, null, null, Map.of("sequenceNr", seqNr));
    }

    private Effect<Event, State> removeMember(State state, String connectionId, String why) {
        Member member = state.members.remove(connectionId);
        if (member == null) return Effect().none();
        ctx.unwatch(member.connection());
        broadcastAwareness(state, state.awareness.removeConnection(connectionId, System.nanoTime()));
        emit(
                HookEvents.CLIENT_DISCONNECTED,
                connectionId,
                member.userId(),
                member.correlationId(),
                Map.of("reason", why, "connections", state.members.size()));
        if (state.members.isEmpty()) startIdleTimer();
        return Effect().none();
    }

    private void broadcastAwareness(State state, Collection<AwarenessProtocol.Entry> removed) {
        if (removed.isEmpty()) return;
        FanOut.toAll(state.members.values(), AwarenessProtocol.encodeMessage(removed), null);
    }

    /** A hook event of this room, carrying its type; {@code correlationId}: the client connection's, or null. */
    private void emit(String event, String clientId, String userId, String correlationId, Map<String, Object> data) {
        Map<String, Object> extra = type.hookData(roomId);
        Map<String, Object> all = data;
        if (!extra.isEmpty()) {
            all = new LinkedHashMap<>(extra);
            all.putAll(data);
        }
        hooks.emit(new HookEvent(
                event, Instant.now(), roomId, type.name(), settings.nodeName(), clientId, userId, correlationId, all));
    }

    /**
     * One line per incarnation start (after recovery) and stop, with the node and a wall-clock time that never
     * goes back in this JVM: from these lifetimes ClusterIT shows a room never had two writers at once.
     */
    private void logIncarnation(String what) {
        ctx.getLog()
                .info(
                        "room {} incarnation {}: node={} seqNr={} at={}",
                        roomId,
                        what,
                        ctx.getSystem().address(),
                        sequenceNr,
                        IncarnationClock.nowMillis());
    }

    private void startIdleTimer() {
        timers.startSingleTimer(Internal.IDLE_TIMEOUT, Internal.IDLE_TIMEOUT, settings.cleanupTimeout());
    }

    // ---------------------------------------------------------------- event handler

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder()
                .forAnyState()
                .onEvent(UpdatesJournaled.class, this::onUpdatesJournaled)
                .onEvent(SnapshotRequested.class, (state, marker) -> {
                    countEvent();
                    return state;
                })
                .build();
    }

    private State onUpdatesJournaled(State state, UpdatesJournaled event) {
        countEvent();
        if (!state.commit.takeAppliedAhead(event)) {
            for (JournaledUpdate update : event.updates()) {
                if (recovered) {
                    applyJournaled(state, update.update());
                } else {
                    replayed.add(update.update());
                    if (replayed.size() >= REPLAY_MERGE_CHUNK) applyReplayed(state);
                }
            }
        }
        state.updatesSinceSnapshot += event.updates().size();
        return state;
    }

    private void applyJournaled(State state, byte[] update) {
        try {
            Y.applyUpdate(state.doc, update, RECOVERY_ORIGIN);
            state.limits.applied(update.length);
        } catch (InvalidUpdateException e) {
            // Journaled updates were validated when written; if an engine upgrade rejects one,
            // a room that never recovers helps nobody: skip it loudly.
            ctx.getLog().error("room {}: journaled update rejected on replay, skipped", roomId, e);
        }
    }

    /**
     * Applies the updates replayed since the last call as one merged update: one transaction instead of one per
     * update (what makes a replay of 100,000 one-character events cheap, above all in a JVM that just started).
     * Applying a merge of updates gives the same document as applying them in turn (Yjs's mergeUpdates
     * contract; RoomRecoveryTest checks the encoded state is byte-equal). If the merge or its apply is rejected
     * (ycrdt leaves the doc unchanged then), they are applied one by one so that only the bad one is skipped.
     */
    private void applyReplayed(State state) {
        if (replayed.isEmpty()) return;
        byte[] merged;
        try {
            merged = replayed.size() == 1 ? replayed.get(0) : Y.mergeUpdates(replayed);
        } catch (RuntimeException e) { // InvalidUpdateException, or whatever else a malformed update provokes
            merged = null;
        }
        try {
            if (merged == null) throw new InvalidUpdateException("replayed updates do not merge");
            Y.applyUpdate(state.doc, merged, RECOVERY_ORIGIN);
            for (byte[] update : replayed) state.limits.applied(update.length);
        } catch (InvalidUpdateException e) {
            for (byte[] update : replayed) applyJournaled(state, update);
        }
        replayed.clear();
    }

    /** Incarnation bookkeeping in the event handler (departure): the handler is where each event's seqNr is known. */
    private void countEvent() {
        if (recovered) {
            sequenceNr++;
        } else {
            replayedEvents++;
        }
    }
}
