package org.civicpress.ycrdt.structs;

import org.civicpress.ycrdt.utils.ID;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A gap in a (merged) update: clocks this update says nothing about. Never integrated. */
public final class Skip extends AbstractStruct {
    public static final int structSkipRefNumber = 10;

    public Skip(ID id, int length) {
        super(id, length);
    }

    @Override
    public boolean deleted() {
        return true;
    }

    public void delete() {}

    @Override
    public boolean mergeWith(AbstractStruct right) {
        if (!(right instanceof Skip) || (long) length + right.length > Integer.MAX_VALUE) {
            return false; // lengths are ints: huge runs stay separate structs
        }
        this.length += right.length;
        return true;
    }

    @Override
    public void integrate(Transaction transaction, int offset) {
        throw new IllegalStateException("Skip structs cannot be integrated");
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        encoder.writeInfo(structSkipRefNumber);
        // varUint because Skips can't use the predictable length encoding
        encoder.restEncoder().writeVarUint(this.length - offset);
    }

    @Override
    public long getMissing(Transaction transaction, StructStore store) {
        return -1;
    }
}
