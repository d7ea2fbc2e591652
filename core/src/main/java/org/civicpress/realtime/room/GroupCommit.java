package org.civicpress.realtime.room;

import java.util.ArrayList;
import java.util.List;

/**
 * The group commit of one room incarnation (see the package note): the write in flight, the updates
 * validated meanwhile (already applied to the doc, journaled together by the next write) and the answers
 * that must wait until the journal holds everything the doc holds.
 */
final class GroupCommit {

    /** What must wait until the journal has everything the doc has. */
    sealed interface Deferred {}

    record AnswerSyncStep1(String connectionId, byte[] stateVector) implements Deferred {}

    /** The server's SyncStep1, and on a re-join the whole journaled document as a SyncStep2. */
    record Greet(String connectionId, boolean fullState) implements Deferred {}

    record EchoToSender(String connectionId, byte[] frame) implements Deferred {}

    /** An answer of the room's own (e.g. to a rollback), run once the journal has caught up. */
    record Notify(Runnable action) implements Deferred {}

    /** A write is in flight (set by {@link #startWrite}, cleared by {@link #writeCompleted}). */
    private boolean persisting;
    /** Validated updates already applied to the doc, waiting for the write in flight. */
    private List<Room.JournaledUpdate> buffer = new ArrayList<>();
    /** The event whose updates the command handler already applied to the doc. */
    private Room.UpdatesJournaled appliedAhead;

    private final List<Deferred> waitingForQuiescence = new ArrayList<>();
    /** System.nanoTime() when the write in flight started (journal latency metric). */
    private long writeStartedNanos;

    /** No write in flight and nothing buffered: the doc is exactly what the journal holds. */
    boolean quiescent() {
        return !persisting && buffer.isEmpty();
    }

    boolean persisting() {
        return persisting;
    }

    boolean hasBuffered() {
        return !buffer.isEmpty();
    }

    /** An answer waits for quiescence: client updates must not move the doc further meanwhile. */
    boolean answersWaiting() {
        return !waitingForQuiescence.isEmpty();
    }

    void buffer(Room.JournaledUpdate update) {
        buffer.add(update);
    }

    /** The buffer becomes the next event; the write is in flight until {@link #writeCompleted}. */
    Room.UpdatesJournaled startWrite() {
        Room.UpdatesJournaled event = new Room.UpdatesJournaled(buffer);
        buffer = new ArrayList<>();
        appliedAhead = event;
        persisting = true;
        writeStartedNanos = System.nanoTime();
        return event;
    }

    long writeStartedNanos() {
        return writeStartedNanos;
    }

    void writeCompleted() {
        persisting = false;
    }

    /** True (once) for the event {@link #startWrite} made: its updates are in the doc already. */
    boolean takeAppliedAhead(Room.UpdatesJournaled event) {
        if (appliedAhead != event) return false;
        appliedAhead = null;
        return true;
    }

    void defer(Deferred answer) {
        waitingForQuiescence.add(answer);
    }

    /** The waiting answers, oldest first; none wait afterwards. */
    List<Deferred> takeDeferred() {
        List<Deferred> deferred = new ArrayList<>(waitingForQuiescence);
        waitingForQuiescence.clear();
        return deferred;
    }
}
