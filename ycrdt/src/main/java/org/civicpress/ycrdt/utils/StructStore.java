package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.civicpress.ycrdt.structs.AbstractStruct;
import org.civicpress.ycrdt.structs.GC;
import org.civicpress.ycrdt.structs.Item;

/**
 * All structs of a document, per client, sorted by clock and contiguous from clock 0
 * (StructStore.js). Also holds updates waiting for missing dependencies.
 */
public final class StructStore {
    /** Structs waiting for missing updates, and the lowest missing clock per client. */
    public record PendingStructs(Map<Long, Long> missing, byte[] update) {}

    public final Map<Long, List<AbstractStruct>> clients = new HashMap<>();
    /** V2-encoded structs that could not be integrated yet, or null. */
    public PendingStructs pendingStructs;
    /** V2-encoded update holding only deletions of not-yet-known structs, or null. */
    public byte[] pendingDs;
    /** Nested types whose children still have to be collected (ContentType.gc without recursion). */
    public java.util.ArrayDeque<org.civicpress.ycrdt.structs.ContentType> _typesToGc;

    /** client -> next expected clock. */
    public Map<Long, Long> getStateVector() {
        Map<Long, Long> sm = new HashMap<>(Math.max(4, clients.size() * 2));
        clients.forEach((client, structs) -> {
            AbstractStruct s = structs.get(structs.size() - 1);
            sm.put(client, s.id.clock() + s.length);
        });
        return sm;
    }

    /** Next expected clock of client (0 if unknown). */
    public long getState(long client) {
        List<AbstractStruct> structs = clients.get(client);
        if (structs == null) {
            return 0;
        }
        AbstractStruct last = structs.get(structs.size() - 1);
        return last.id.clock() + last.length;
    }

    /** Throws if structs of a client are not contiguous. */
    public void integrityCheck() {
        clients.forEach((client, structs) -> {
            for (int i = 1; i < structs.size(); i++) {
                AbstractStruct l = structs.get(i - 1);
                AbstractStruct r = structs.get(i);
                if (l.id.clock() + l.length != r.id.clock()) {
                    throw new IllegalStateException("StructStore failed integrity check");
                }
            }
        });
    }

    public void addStruct(AbstractStruct struct) {
        List<AbstractStruct> structs = clients.get(struct.id.client());
        if (structs == null) {
            structs = new ArrayList<>();
            clients.put(struct.id.client(), structs);
        } else {
            AbstractStruct last = structs.get(structs.size() - 1);
            if (last.id.clock() + last.length != struct.id.clock()) {
                throw new IllegalStateException("addStruct: " + struct.id + " does not follow " + last.id);
            }
        }
        structs.add(struct);
    }

    /** Binary search (with a pivot guess) for the struct containing clock. */
    public static int findIndexSS(List<AbstractStruct> structs, long clock) {
        int left = 0;
        int right = structs.size() - 1;
        AbstractStruct mid = structs.get(right);
        long midclock = mid.id.clock();
        if (midclock == clock) {
            return right;
        }
        // pivoting the search: clocks are roughly evenly spread
        int midindex = (int) Math.floor(((double) clock / (midclock + mid.length - 1)) * right);
        if (midindex < 0 || midindex > right) {
            midindex = (left + right) >>> 1;
        }
        while (left <= right) {
            mid = structs.get(midindex);
            midclock = mid.id.clock();
            if (midclock <= clock) {
                if (clock < midclock + mid.length) {
                    return midindex;
                }
                left = midindex + 1;
            } else {
                right = midindex - 1;
            }
            midindex = (left + right) >>> 1;
        }
        // callers check the state first: not finding a struct is a bug
        throw new IllegalStateException("struct with clock " + clock + " not found");
    }

    /** The struct containing id (must exist). */
    public static AbstractStruct find(StructStore store, ID id) {
        List<AbstractStruct> structs = store.clients.get(id.client());
        if (structs == null) {
            throw new IllegalStateException("no structs of client " + id.client());
        }
        return structs.get(findIndexSS(structs, id.clock()));
    }

    /** Like find; Yjs's getItem (the result may be a GC). */
    public static AbstractStruct getItem(StructStore store, ID id) {
        return find(store, id);
    }

    /** Index of the struct starting exactly at clock, splitting an Item if needed. */
    public static int findIndexCleanStart(Transaction transaction, List<AbstractStruct> structs, long clock) {
        int index = findIndexSS(structs, clock);
        AbstractStruct struct = structs.get(index);
        if (struct.id.clock() < clock && struct instanceof Item item) {
            structs.add(index + 1, Item.splitItem(transaction, item, (int) (clock - item.id.clock())));
            return index + 1;
        }
        return index;
    }

    /**
     * The struct starting at id (splitting if needed). Returns an Item in all but the GC case, where
     * the GC containing id is returned; callers that can meet GCs check with instanceof.
     */
    @SuppressWarnings("unchecked")
    public static <T extends AbstractStruct> T getItemCleanStart(Transaction transaction, ID id) {
        List<AbstractStruct> structs = transaction.doc.store.clients.get(id.client());
        return (T) structs.get(findIndexCleanStart(transaction, structs, id.clock()));
    }

    /** The struct ending at id (splitting an Item if needed); a GC is returned unsplit. */
    public static AbstractStruct getItemCleanEnd(Transaction transaction, StructStore store, ID id) {
        List<AbstractStruct> structs = store.clients.get(id.client());
        int index = findIndexSS(structs, id.clock());
        AbstractStruct struct = structs.get(index);
        if (id.clock() != struct.id.clock() + struct.length - 1 && !(struct instanceof GC)) {
            structs.add(
                    index + 1, Item.splitItem(transaction, (Item) struct, (int) (id.clock() - struct.id.clock() + 1)));
        }
        return struct;
    }

    /** Replace struct with newStruct (same id and length). */
    public void replaceStruct(AbstractStruct struct, AbstractStruct newStruct) {
        List<AbstractStruct> structs = clients.get(struct.id.client());
        structs.set(findIndexSS(structs, struct.id.clock()), newStruct);
    }

    /** Calls f on the structs covering [clockStart, clockStart + len), splitting at both ends. */
    public static void iterateStructs(
            Transaction transaction,
            List<AbstractStruct> structs,
            long clockStart,
            long len,
            Consumer<AbstractStruct> f) {
        if (len == 0) {
            return;
        }
        long clockEnd = clockStart + len;
        int index = findIndexCleanStart(transaction, structs, clockStart);
        AbstractStruct struct;
        do {
            struct = structs.get(index++);
            if (clockEnd < struct.id.clock() + struct.length) {
                findIndexCleanStart(transaction, structs, clockEnd);
            }
            f.accept(struct);
        } while (index < structs.size() && structs.get(index).id.clock() < clockEnd);
    }
}
