package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Limits;

/**
 * DeleteSet.js: per client, ranges of deleted clocks. Kept sorted and merged after
 * {@link #sortAndMergeDeleteSet}; insertion order of clients is kept like a JavaScript Map.
 */
public final class DeleteSet {
    public final Map<Long, List<DeleteItem>> clients = new LinkedHashMap<>();

    public static DeleteSet createDeleteSet() {
        return new DeleteSet();
    }

    public boolean isEmpty() {
        return clients.isEmpty();
    }

    /** Index of the range containing {@code clock}, or -1 (Yjs returns null). */
    public static int findIndexDS(List<DeleteItem> dis, long clock) {
        int left = 0;
        int right = dis.size() - 1;
        while (left <= right) {
            int midindex = (left + right) >>> 1;
            DeleteItem mid = dis.get(midindex);
            long midclock = mid.clock();
            if (midclock <= clock) {
                if (clock < midclock + mid.len()) {
                    return midindex;
                }
                left = midindex + 1;
            } else {
                right = midindex - 1;
            }
        }
        return -1;
    }

    public static boolean isDeleted(DeleteSet ds, ID id) {
        List<DeleteItem> dis = ds.clients.get(id.client());
        return dis != null && findIndexDS(dis, id.clock()) >= 0;
    }

    public static void sortAndMergeDeleteSet(DeleteSet ds) {
        for (List<DeleteItem> dels : ds.clients.values()) {
            sortAndMerge(dels);
        }
    }

    static void sortAndMerge(List<DeleteItem> dels) {
        dels.sort(Comparator.comparingLong(DeleteItem::clock));
        // merge in place: i reads, j is the write position
        int i;
        int j;
        for (i = 1, j = 1; i < dels.size(); i++) {
            DeleteItem left = dels.get(j - 1);
            DeleteItem right = dels.get(i);
            if (left.clock() + left.len() >= right.clock()) {
                dels.set(
                        j - 1,
                        new DeleteItem(left.clock(), Math.max(left.len(), right.clock() + right.len() - left.clock())));
            } else {
                if (j < i) {
                    dels.set(j, right);
                }
                j++;
            }
        }
        if (j < dels.size()) {
            dels.subList(j, dels.size()).clear();
        }
    }

    public static DeleteSet mergeDeleteSets(List<DeleteSet> dss) {
        DeleteSet merged = new DeleteSet();
        for (int dssI = 0; dssI < dss.size(); dssI++) {
            for (Map.Entry<Long, List<DeleteItem>> e : dss.get(dssI).clients.entrySet()) {
                Long client = e.getKey();
                if (!merged.clients.containsKey(client)) {
                    // later sets holding the same client are appended now; the client is then done
                    List<DeleteItem> dels = new ArrayList<>(e.getValue());
                    for (int i = dssI + 1; i < dss.size(); i++) {
                        List<DeleteItem> more = dss.get(i).clients.get(client);
                        if (more != null) {
                            dels.addAll(more);
                        }
                    }
                    merged.clients.put(client, dels);
                }
            }
        }
        sortAndMergeDeleteSet(merged);
        return merged;
    }

    public static void addToDeleteSet(DeleteSet ds, long client, long clock, long length) {
        ds.clients.computeIfAbsent(client, c -> new ArrayList<>()).add(new DeleteItem(clock, length));
    }

    /** Clients in descending order, as Yjs writes them for a deterministic encoding. */
    public static void writeDeleteSet(DSEncoder encoder, DeleteSet ds) {
        encoder.restEncoder().writeVarUint(ds.clients.size());
        List<Map.Entry<Long, List<DeleteItem>>> entries = new ArrayList<>(ds.clients.entrySet());
        entries.sort((a, b) -> Long.compare(b.getKey(), a.getKey()));
        for (Map.Entry<Long, List<DeleteItem>> e : entries) {
            encoder.resetDsCurVal();
            encoder.restEncoder().writeVarUint(e.getKey());
            List<DeleteItem> items = e.getValue();
            encoder.restEncoder().writeVarUint(items.size());
            for (DeleteItem item : items) {
                encoder.writeDsClock(item.clock());
                encoder.writeDsLen(item.len());
            }
        }
    }

    /**
     * Reads a delete set. Ranges whose end would pass 2^53 are rejected; everything else Yjs
     * accepts is accepted (including zero-length ranges in V1).
     */
    public static DeleteSet readDeleteSet(DSDecoder decoder) {
        DeleteSet ds = new DeleteSet();
        long numClients = decoder.restDecoder().readVarUint();
        for (long i = 0; i < numClients; i++) {
            decoder.resetDsCurVal();
            long client = decoder.restDecoder().readVarUint();
            long numberOfDeletes = decoder.restDecoder().readVarUint();
            if (numberOfDeletes > 0) {
                List<DeleteItem> dsField = ds.clients.computeIfAbsent(client, c -> new ArrayList<>());
                for (long k = 0; k < numberOfDeletes; k++) {
                    long clock = decoder.readDsClock();
                    long len = decoder.readDsLen();
                    if (clock + len > Limits.MAX_SAFE_INTEGER) {
                        throw new InvalidUpdateException(
                                "delete range " + client + ":" + clock + "+" + len + " exceeds 2^53 at byte "
                                        + decoder.restDecoder().offset());
                    }
                    dsField.add(new DeleteItem(clock, len));
                }
            }
        }
        return ds;
    }

    public static boolean equalDeleteSets(DeleteSet ds1, DeleteSet ds2) {
        if (ds1.clients.size() != ds2.clients.size()) {
            return false;
        }
        for (Map.Entry<Long, List<DeleteItem>> e : ds1.clients.entrySet()) {
            List<DeleteItem> items2 = ds2.clients.get(e.getKey());
            if (items2 == null || !items2.equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return clients.toString();
    }
}
