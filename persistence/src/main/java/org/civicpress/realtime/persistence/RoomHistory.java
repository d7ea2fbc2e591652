package org.civicpress.realtime.persistence;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.civicpress.realtime.errors.HistoryNotRetainedError;
import org.civicpress.realtime.errors.RoomNotFoundError;
import org.civicpress.realtime.history.AsOf;
import org.civicpress.realtime.history.DocChanges;
import org.civicpress.realtime.room.Room;
import org.civicpress.ycrdt.utils.Doc;

/**
 * A room's history read from the journal and the snapshot store, without involving the room: events with
 * Pekko Persistence Query ({@link JdbcReadJournal#currentEventsByPersistenceId}), snapshots through the
 * configured snapshot store (database or filesystem). The journal is only read, never written.
 *
 * <p>Points are sequence numbers of the room's journal (one event = one group commit of one or more updates,
 * or a snapshot marker). The document as of sequence number N starts from the newest snapshot at or before N
 * and merges the updates after it ({@link AsOf}); when events before N were deleted by snapshot retention and no
 * snapshot covers them, the answer is {@link HistoryNotRetainedError} (docs/history.md).
 */
public final class RoomHistory {
    /** One journaled update as the history lists it ({@code index}: its place in its event's group commit). */
    public record Entry(
            long sequenceNr,
            int index,
            long journaledAtMillis,
            String userId,
            String connectionId,
            long receivedAtMillis,
            int size,
            Map<String, Object> changes) {}

    /** A page of entries; {@code nextAfter}: the {@code after} of the next page (the last event read). */
    public record Page(List<Entry> entries, long nextAfter, boolean more) {}

    /**
     * The document as of {@code sequenceNr} (the last event at or before the point asked for), rebuilt from the
     * snapshot at {@code snapshotSequenceNr} (0 = none) and {@code updatesReplayed} updates.
     */
    public record PointInTime(long sequenceNr, long snapshotSequenceNr, int updatesReplayed, Doc doc) {}

    /** One event read from the journal. */
    private record Event(long sequenceNr, long timestamp, List<Room.JournaledUpdate> updates) {}

    private final ActorSystem<?> system;
    private final JdbcReadJournal journal;
    private final org.apache.pekko.actor.ActorRef snapshotStore;
    private final Duration timeout;

    public RoomHistory(ActorSystem<?> system, Duration timeout) {
        this.system = system;
        this.timeout = timeout;
        this.journal = PersistenceQuery.get(Adapter.toClassic(system))
                .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
        // "" = the default snapshot plugin, the one rooms use (jdbc or the filesystem store)
        this.snapshotStore = Persistence.get(Adapter.toClassic(system)).snapshotStoreFor("", ConfigFactory.empty());
    }

    static String persistenceId(String roomId) {
        return PersistenceId.of(Room.TYPE_KEY.name(), roomId).id();
    }

    /** Up to about {@code limit} entries (whole events) journaled after sequence number {@code after}. */
    public CompletionStage<Page> history(String roomId, long after, int limit) {
        return documentAt(roomId, after)
                .thenCompose(start -> events(roomId, start.sequenceNr() + 1, Long.MAX_VALUE, limit + 1)
                        .thenApply(events -> {
                            Doc doc = start.doc();
                            List<Entry> entries = new ArrayList<>();
                            long next = start.sequenceNr();
                            boolean more = false;
                            for (Event event : events) {
                                if (entries.size() >= limit) {
                                    more = true;
                                    break;
                                }
                                int index = 0;
                                for (Room.JournaledUpdate u : event.updates()) {
                                    Map<String, Object> changes = DocChanges.summarize(doc, u.update());
                                    entries.add(new Entry(
                                            event.sequenceNr(),
                                            index++,
                                            event.timestamp(),
                                            u.userId(),
                                            u.connectionId(),
                                            u.receivedAtMillis(),
                                            u.update().length,
                                            changes));
                                }
                                next = event.sequenceNr();
                            }
                            return new Page(entries, next, more);
                        }));
    }

    /** The document as of sequence number {@code at} (beyond the end: the latest). */
    public CompletionStage<PointInTime> documentAt(String roomId, long at) {
        if (at < 0) throw new IllegalArgumentException("negative sequence number " + at);
        if (at == 0) return CompletableFuture.completedFuture(new PointInTime(0, 0, 0, AsOf.rebuild(null, List.of())));
        return snapshotAtOrBefore(roomId, at).thenCompose(snapshot -> {
            long from = snapshot.map(s -> s.metadata().sequenceNr() + 1).orElse(1L);
            return events(roomId, from, at, Long.MAX_VALUE).thenCompose(events -> {
                if (!events.isEmpty() && events.get(0).sequenceNr() == from
                        || events.isEmpty() && snapshot.isPresent()) {
                    return CompletableFuture.completedFuture(rebuild(snapshot, events));
                }
                // Nothing readable from `from` on: a room without history there, or deleted events.
                return firstEvent(roomId).thenApply(first -> {
                    if (first.isEmpty() && snapshot.isEmpty()) {
                        throw new RoomNotFoundError("room " + roomId + " has no journal", Map.of("roomId", roomId));
                    }
                    long oldest = first.map(e -> e.sequenceNr() - 1).orElse(0L);
                    throw new HistoryNotRetainedError(
                            "the journal of room " + roomId + " no longer holds sequence " + "number " + at
                                    + " (see history.retain_events)",
                            Map.of("roomId", roomId, "sequenceNr", at, "oldestSequenceNr", oldest));
                });
            });
        });
    }

    /** The last sequence number journaled at or before {@code time} (0 = the room did not exist yet). */
    public CompletionStage<Long> sequenceNrAt(String roomId, Instant time) {
        long millis = time.toEpochMilli();
        return journal.currentEventsByPersistenceId(persistenceId(roomId), 0, Long.MAX_VALUE)
                .takeWhile(e -> e.timestamp() <= millis)
                .runWith(Sink.fold(-1L, (last, e) -> e.sequenceNr()), system)
                .thenCompose(last -> {
                    if (last >= 0) return CompletableFuture.completedFuture(last);
                    return firstEvent(roomId).thenApply(first -> {
                        if (first.isEmpty()) {
                            throw new RoomNotFoundError("room " + roomId + " has no journal", Map.of("roomId", roomId));
                        }
                        if (first.get().sequenceNr() == 1) return 0L; // the room started after that time
                        throw new HistoryNotRetainedError(
                                "the journal of room " + roomId + " no longer holds " + time
                                        + " (see history.retain_events)",
                                Map.of(
                                        "roomId",
                                        roomId,
                                        "time",
                                        time.toString(),
                                        "oldestSequenceNr",
                                        first.get().sequenceNr() - 1));
                    });
                });
    }

    /** What changed from {@code from} to {@code to} ({@link DocChanges#diff}). */
    public CompletionStage<Map<String, Object>> diff(String roomId, long from, long to) {
        if (from > to) throw new IllegalArgumentException("from " + from + " is after to " + to);
        return documentAt(roomId, from)
                .thenCombine(documentAt(roomId, to), (a, b) -> DocChanges.diff(a.doc(), b.doc()));
    }

    private PointInTime rebuild(Optional<SelectedSnapshot> snapshot, List<Event> events) {
        List<byte[]> updates = new ArrayList<>();
        long last = snapshot.map(s -> s.metadata().sequenceNr()).orElse(0L);
        for (Event e : events) {
            for (Room.JournaledUpdate u : e.updates()) updates.add(u.update());
            last = e.sequenceNr();
        }
        byte[] state =
                snapshot.map(s -> ((Room.Snapshot) s.snapshot()).encodedState()).orElse(null);
        return new PointInTime(
                last,
                snapshot.map(s -> s.metadata().sequenceNr()).orElse(0L),
                updates.size(),
                AsOf.rebuild(state, updates));
    }

    private CompletionStage<List<Event>> events(String roomId, long from, long to, long max) {
        return journal.currentEventsByPersistenceId(persistenceId(roomId), from, to)
                .take(max)
                .map(RoomHistory::event)
                .runWith(Sink.seq(), system);
    }

    private CompletionStage<Optional<Event>> firstEvent(String roomId) {
        return journal.currentEventsByPersistenceId(persistenceId(roomId), 0, Long.MAX_VALUE)
                .take(1)
                .map(RoomHistory::event)
                .runWith(Sink.headOption(), system);
    }

    private static Event event(EventEnvelope envelope) {
        List<Room.JournaledUpdate> updates =
                envelope.event() instanceof Room.UpdatesJournaled u ? u.updates() : List.of();
        return new Event(envelope.sequenceNr(), envelope.timestamp(), updates);
    }

    /** The newest snapshot at or before {@code seqNr}, from the room's snapshot store. */
    private CompletionStage<Optional<SelectedSnapshot>> snapshotAtOrBefore(String roomId, long seqNr) {
        var load = new SnapshotProtocol.LoadSnapshot(
                persistenceId(roomId), SnapshotSelectionCriteria.create(seqNr, Long.MAX_VALUE), seqNr);
        return Patterns.ask(snapshotStore, load, timeout).thenApply(reply -> {
            if (reply instanceof SnapshotProtocol.LoadSnapshotResult result) {
                return result.snapshot().isDefined()
                        ? Optional.of(result.snapshot().get())
                        : Optional.empty();
            }
            if (reply instanceof SnapshotProtocol.LoadSnapshotFailed failed) {
                throw new IllegalStateException("loading a snapshot of room " + roomId + " failed", failed.cause());
            }
            throw new IllegalStateException("unexpected snapshot store reply " + reply);
        });
    }
}
