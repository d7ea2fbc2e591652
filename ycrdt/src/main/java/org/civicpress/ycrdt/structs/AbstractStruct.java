package org.civicpress.ycrdt.structs;

import org.civicpress.ycrdt.utils.ID;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** Base of Item, GC and Skip (AbstractStruct.js): a run of `length` clocks starting at `id`. */
public abstract class AbstractStruct {
    /** Not final: integrating with an offset moves the start (ID is immutable, Yjs mutates it). */
    public ID id;

    public int length;

    protected AbstractStruct(ID id, int length) {
        this.id = id;
        this.length = length;
    }

    public abstract boolean deleted();

    /**
     * Merge this struct with the struct to the right. Assumes `id.clock + length == right.id.clock`.
     * Does not remove right from the StructStore.
     */
    public boolean mergeWith(AbstractStruct right) {
        return false;
    }

    public abstract void write(UpdateEncoder encoder, int offset);

    public abstract void integrate(Transaction transaction, int offset);

    /** Client id of a missing dependency, or -1 once all dependencies are in the store. */
    public abstract long getMissing(Transaction transaction, StructStore store);
}
