package org.civicpress.ycrdt.structs;

import org.civicpress.ycrdt.utils.ID;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A garbage-collected range of clocks: nothing is known about it except that it is deleted. */
public final class GC extends AbstractStruct {
    public static final int structGCRefNumber = 0;

    public GC(ID id, int length) {
        super(id, length);
    }

    @Override
    public boolean deleted() {
        return true;
    }

    public void delete() {}

    @Override
    public boolean mergeWith(AbstractStruct right) {
        if (!(right instanceof GC) || (long) length + right.length > Integer.MAX_VALUE) {
            return false; // lengths are ints: huge runs stay separate structs
        }
        this.length += right.length;
        return true;
    }

    @Override
    public void integrate(Transaction transaction, int offset) {
        if (offset > 0) {
            this.id = new ID(id.client(), id.clock() + offset);
            this.length -= offset;
        }
        transaction.doc.store.addStruct(this);
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        encoder.writeInfo(structGCRefNumber);
        encoder.writeLen(this.length - offset);
    }

    @Override
    public long getMissing(Transaction transaction, StructStore store) {
        return -1;
    }
}
