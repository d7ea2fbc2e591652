package org.civicpress.realtime.room;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.DeleteSnapshotsFailure;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.slf4j.Logger;

/**
 * What a saved snapshot deletes, whatever triggered it (update count, interval, final snapshot): once a snapshot
 * at N is saved, the previous snapshot P stays, every older snapshot goes and, with {@code deleteEventsOnSnapshot},
 * every event up to P. So a room keeps two snapshots and the events after the older one: if the newest snapshot
 * cannot be loaded, recovery falls back to P and still finds every later event (deleting up to N would lose
 * the events between P and N in that case).
 *
 * <p>History ({@code history.retain_events}, docs/history.md): with a retention period R &gt; 0 the base of the
 * deletes is not P but the newest snapshot B (at most P) saved more than R ago: every event up to B is older
 * than R, so events of the last R stay readable, and B stays as the starting point to replay them (as do the
 * snapshots after B, which make as-of reconstruction fast). The snapshot recovery started from counts as saved
 * at recovery (its save time is not known here): deleting it may come up to R later than strictly needed.
 *
 * <p>Why not Pekko's {@code RetentionCriteria.snapshotEvery(n, 2)}: it deletes only after snapshots taken at a
 * sequence number that is a multiple of n, and a room's events carry batches and markers, so most snapshots
 * (interval, final, batch-triggered) deleted nothing. {@code EventSourcedBehavior} has no delete effect, so the
 * room runs with {@code RetentionCriteria.disabled()} and this class sends the journal and the snapshot store
 * the same delete requests Pekko's retention sends, answering into the room's message adapter.
 */
final class SnapshotRetention {
    private final PersistenceId persistenceId;
    private final boolean deleteEvents;
    private final long retainMillis;
    /** Snapshots this incarnation knows to be kept, oldest first: {sequence number, saved at (epoch ms)}. */
    private final ArrayDeque<long[]> kept = new ArrayDeque<>();

    private final org.apache.pekko.actor.ActorRef journal;
    private final org.apache.pekko.actor.ActorRef snapshotStore;
    private final org.apache.pekko.actor.ActorRef replies;
    /** Sequence number of the newest snapshot (0 = none). */
    private long lastSnapshotSeqNr;

    /** {@code replies}: where the plugins answer (the room logs failures); default journal and snapshot plugins. */
    SnapshotRetention(
            org.apache.pekko.actor.typed.ActorSystem<?> system,
            PersistenceId persistenceId,
            boolean deleteEvents,
            Duration retainEventsFor,
            ActorRef<Object> replies) {
        this.persistenceId = persistenceId;
        this.deleteEvents = deleteEvents;
        this.retainMillis = retainEventsFor.toMillis();
        Persistence persistence = Persistence.get(Adapter.toClassic(system));
        // "" = the default plugins, as for the room itself (it sets no plugin ids)
        this.journal = persistence.journalFor("", ConfigFactory.empty());
        this.snapshotStore = persistence.snapshotStoreFor("", ConfigFactory.empty());
        this.replies = Adapter.toClassic(replies);
    }

    /** After recovery: the snapshot it started from (0 = none). */
    void recovered(long snapshotSeqNr) {
        lastSnapshotSeqNr = snapshotSeqNr;
        if (snapshotSeqNr > 0) kept.add(new long[] {snapshotSeqNr, System.currentTimeMillis()});
    }

    long lastSnapshotSeqNr() {
        return lastSnapshotSeqNr;
    }

    /** A snapshot at {@code seqNr} was saved: delete what the previous one covers, and older snapshots. */
    void snapshotSaved(long seqNr) {
        snapshotSaved(seqNr, System.currentTimeMillis());
    }

    /** {@link #snapshotSaved(long)} at a given time; returns the base of the deletes sent (0 = none). */
    long snapshotSaved(long seqNr, long nowMillis) {
        long previous = lastSnapshotSeqNr;
        lastSnapshotSeqNr = seqNr;
        kept.add(new long[] {seqNr, nowMillis});
        if (previous <= 0 || previous >= seqNr) return 0;
        long base = previous;
        if (retainMillis > 0) {
            base = 0;
            for (long[] k : kept) {
                if (k[0] <= previous && k[1] <= nowMillis - retainMillis) base = k[0];
            }
            if (base <= 0) return 0;
        }
        while (!kept.isEmpty() && kept.peekFirst()[0] < base) kept.pollFirst();
        if (deleteEvents) {
            journal.tell(new JournalProtocol.DeleteMessagesTo(persistenceId.id(), base, replies), replies);
        }
        snapshotStore.tell(
                new SnapshotProtocol.DeleteSnapshots(
                        persistenceId.id(), SnapshotSelectionCriteria.create(base - 1, Long.MAX_VALUE)),
                replies);
        return base;
    }

    /** Logs a failed delete (a later snapshot deletes the same again); successes are silent. */
    static void logResult(Logger log, String roomId, Object result) {
        if (result instanceof DeleteMessagesFailure failure) {
            log.warn("room {}: deleting events up to {} failed", roomId, failure.toSequenceNr(), failure.cause());
        } else if (result instanceof DeleteSnapshotsFailure failure) {
            log.warn("room {}: deleting old snapshots failed", roomId, failure.cause());
        } else {
            log.debug("room {}: {}", roomId, result);
        }
    }
}
