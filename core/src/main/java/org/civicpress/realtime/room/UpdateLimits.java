package org.civicpress.realtime.room;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.StructStore;

/**
 * The size limits a client update must respect ({@code rooms.max_document_bytes}, {@code rooms.max_pending_bytes}),
 * checked BEFORE the update touches the doc: a refused update leaves doc and journal as they were (the room
 * applies an update to its doc before journaling it, and a Yjs doc cannot be rolled back).
 *
 * <p><b>Document size</b> = the length of {@code Y.encodeStateAsUpdate(doc)} (what a snapshot stores and a new
 * client downloads). Encoding it per update would cost O(document), so the room keeps an upper bound: the exact
 * size at the last snapshot (or recovery from one) plus the length of every update journaled since (an update
 * grows the encoded document by at most about its own length). Only when the bound says an update would cross
 * the limit is the document measured exactly, at most once per 1/64 of the limit of growth; the update is
 * refused when measured size + update length exceed the limit.
 *
 * <p><b>Pending</b> = the bytes of updates and deletions whose dependencies have not arrived (ycrdt keeps them
 * encoded, {@code store.pendingStructs.update} and {@code store.pendingDs}). An update can add at most about its
 * own length to them, so while pending + 2 * update + 1 KiB stays under the limit nothing is checked. Otherwise
 * the update is applied to a dry-run doc that has the room's state vector (one GC struct per client) and its
 * pending part as it is: which structs integrate and which stay pending depends only on clocks, never on content,
 * so the dry run's pending is the room's pending after the update, to the byte (UpdateLimitsTest compares them on
 * shuffled, out-of-order updates), at the cost of applying the update once more.
 * Mutable, owned by one room actor's state.
 */
final class UpdateLimits {
    private static final int PENDING_SLACK = 1024;

    private final RoomSettings.Limits limits;
    /** Upper bound of the encoded document size (bytes). */
    private long sizeBound;
    /** What {@link #sizeBound} was when the document was last measured exactly. */
    private long measuredBound;

    UpdateLimits(RoomSettings.Limits limits) {
        this.limits = limits;
    }

    /** Null when {@code update} may be applied to {@code doc}; else why not (the close reason). */
    String refusal(Doc doc, byte[] update) {
        if (sizeBound + update.length > limits.maxDocumentBytes()) {
            if (sizeBound - measuredBound >= limits.maxDocumentBytes() / 64 || measuredBound == 0) {
                measured(Y.encodeStateAsUpdate(doc).length);
            }
            if (sizeBound + update.length > limits.maxDocumentBytes()) {
                return "document size limit: the document (" + sizeBound + " bytes) and this update (" + update.length
                        + " bytes) exceed rooms.max_document_bytes=" + limits.maxDocumentBytes();
            }
        }
        long pendingBefore = pendingBytes(doc);
        if (pendingBefore + 2L * update.length + PENDING_SLACK > limits.maxPendingBytes()) {
            long after = pendingAfter(doc, update);
            if (after > limits.maxPendingBytes() && after > pendingBefore) {
                return "pending updates limit: updates waiting for missing dependencies would hold " + after
                        + " bytes, over rooms.max_pending_bytes=" + limits.maxPendingBytes();
            }
        }
        return null;
    }

    /** An update was applied and will be journaled: the bound grows by its length. */
    void applied(int updateBytes) {
        sizeBound += updateBytes;
    }

    /** The exact encoded size (a snapshot was taken or loaded, or the room measured it). */
    void measured(long encodedBytes) {
        sizeBound = encodedBytes;
        measuredBound = encodedBytes;
    }

    /** Bytes of updates and deletions waiting for missing dependencies. */
    static long pendingBytes(Doc doc) {
        StructStore store = doc.store;
        return (store.pendingStructs != null ? store.pendingStructs.update().length : 0)
                + (store.pendingDs != null ? store.pendingDs.length : 0);
    }

    /** What the doc holds pending, to tell whether an update changed it (see {@link Room.State#apply}). */
    static boolean samePending(byte[] structsBefore, byte[] dsBefore, Doc doc) {
        StructStore store = doc.store;
        byte[] structs = store.pendingStructs != null ? store.pendingStructs.update() : null;
        return Arrays.equals(structsBefore, structs) && Arrays.equals(dsBefore, store.pendingDs);
    }

    /** Pending bytes of {@code doc} after {@code update}, computed on a dry-run doc (see the class comment). */
    static long pendingAfter(Doc doc, byte[] update) {
        Doc dry = new Doc();
        Y.applyUpdate(dry, clockSkeleton(doc.store.getStateVector()));
        // The room's pending part as it is (not re-applied: that would re-encode it), so that applying the
        // update takes exactly the steps it takes on the room's doc. ycrdt replaces these, never mutates them,
        // except the missing map, which is copied.
        StructStore store = doc.store;
        if (store.pendingStructs != null) {
            dry.store.pendingStructs = new StructStore.PendingStructs(
                    new HashMap<>(store.pendingStructs.missing()), store.pendingStructs.update());
        }
        dry.store.pendingDs = store.pendingDs;
        try {
            Y.applyUpdate(dry, update);
        } catch (RuntimeException e) {
            return 0; // not a valid update (or an engine failure): the real apply answers it as it always does
        }
        return pendingBytes(dry);
    }

    /** A v1 update with one GC struct per client covering clocks [0, state): the clocks of a doc, no content. */
    static byte[] clockSkeleton(Map<Long, Long> stateVector) {
        Encoder e = new Encoder();
        long clients = stateVector.values().stream().filter(clock -> clock > 0).count();
        e.writeVarUint(clients);
        for (Map.Entry<Long, Long> s : stateVector.entrySet()) {
            if (s.getValue() <= 0) continue;
            e.writeVarUint(1); // one struct
            e.writeVarUint(s.getKey());
            e.writeVarUint(0); // from clock 0
            e.writeUint8(0); // info 0: GC
            e.writeVarUint(s.getValue());
        }
        e.writeVarUint(0); // empty delete set
        return e.toUint8Array();
    }
}
