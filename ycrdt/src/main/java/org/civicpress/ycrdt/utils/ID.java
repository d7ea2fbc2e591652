package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;

/** ID.js: a (client, clock) pair. Both are JavaScript safe integers (up to 2^53). */
public record ID(long client, long clock) {

    public static ID createID(long client, long clock) {
        return new ID(client, clock);
    }

    /** Yjs compareIDs: equal, or both null. */
    public static boolean compareIDs(ID a, ID b) {
        return a == b || (a != null && b != null && a.client == b.client && a.clock == b.clock);
    }

    public static void writeID(Encoder encoder, ID id) {
        encoder.writeVarUint(id.client);
        encoder.writeVarUint(id.clock);
    }

    public static ID readID(Decoder decoder) {
        long client = decoder.readVarUint();
        long clock = decoder.readVarUint();
        return new ID(client, clock);
    }

    @Override
    public String toString() {
        return client + ":" + clock;
    }
}
