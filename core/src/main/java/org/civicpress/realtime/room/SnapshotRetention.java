package org.civicpress.realtime.room;

import com.typesafe.config.ConfigFactory;
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
 * <p>Why not Pekko's {@code RetentionCriteria.snapshotEvery(n, 2)}: it deletes only after snapshots taken at a
 * sequence number that is a multiple of n, and a room's events carry batches and markers, so most snapshots
 * (interval, final, batch-triggered) deleted nothing. {@code EventSourcedBehavior} has no delete effect, so the
 * room runs with {@code RetentionCriteria.disabled()} and this class sends the journal and the snapshot store
 * the same delete requests Pekko's retention sends, answering into the room's message adapter.
 */
final class SnapshotRetention {
    private final PersistenceId persistenceId;
    private final boolean deleteEvents;
    private final org.apache.pekko.actor.ActorRef journal;
    private final org.apache.pekko.actor.ActorRef snapshotStore;
    private final org.apache.pekko.actor.ActorRef replies;
    /** Sequence number of the newest snapshot (0 = none). */
    private long lastSnapshotSeqNr;

    /** {@code replies}: where the plugins answer (the room logs failures); default journal and snapshot plugins. */
    SnapshotRetention(org.apache.pekko.actor.typed.ActorSystem<?> system, PersistenceId persistenceId,
                      boolean deleteEvents, ActorRef<Object> replies) {
        this.persistenceId = persistenceId;
        this.deleteEvents = deleteEvents;
        Persistence persistence = Persistence.get(Adapter.toClassic(system));
        // "" = the default plugins, as for the room itself (it sets no plugin ids)
        this.journal = persistence.journalFor("", ConfigFactory.empty());
        this.snapshotStore = persistence.snapshotStoreFor("", ConfigFactory.empty());
        this.replies = Adapter.toClassic(replies);
    }

    /** After recovery: the snapshot it started from (0 = none). */
    void recovered(long snapshotSeqNr) {
        lastSnapshotSeqNr = snapshotSeqNr;
    }

    long lastSnapshotSeqNr() {
        return lastSnapshotSeqNr;
    }

    /** A snapshot at {@code seqNr} was saved: delete what the previous one covers, and older snapshots. */
    void snapshotSaved(long seqNr) {
        long previous = lastSnapshotSeqNr;
        lastSnapshotSeqNr = seqNr;
        if (previous <= 0 || previous >= seqNr) return;
        if (deleteEvents) {
            journal.tell(new JournalProtocol.DeleteMessagesTo(persistenceId.id(), previous, replies), replies);
        }
        snapshotStore.tell(new SnapshotProtocol.DeleteSnapshots(persistenceId.id(),
                SnapshotSelectionCriteria.create(previous - 1, Long.MAX_VALUE)), replies);
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
