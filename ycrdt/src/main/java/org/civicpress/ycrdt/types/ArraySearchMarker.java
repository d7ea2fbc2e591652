package org.civicpress.ycrdt.types;

import org.civicpress.ycrdt.structs.Item;

/**
 * A cached (item, index) pair that lets list lookups start near the wanted position
 * instead of at the list head (AbstractType.js ArraySearchMarker).
 */
public final class ArraySearchMarker {
    /** Ever-increasing clock: the oldest marker is recycled first. Single-threaded like Yjs. */
    static long globalSearchMarkerTimestamp = 0;

    public Item p;
    public int index;
    long timestamp;

    ArraySearchMarker(Item p, int index) {
        p.marker(true);
        this.p = p;
        this.index = index;
        this.timestamp = globalSearchMarkerTimestamp++;
    }

    void refreshTimestamp() {
        timestamp = globalSearchMarkerTimestamp++;
    }

    /** The only way to move a marker: keeps the items' marker flags consistent. */
    void overwrite(Item newP, int newIndex) {
        p.marker(false);
        p = newP;
        newP.marker(true);
        index = newIndex;
        timestamp = globalSearchMarkerTimestamp++;
    }
}
