package org.civicpress.ycrdt.structs;

import java.util.List;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** The content of an Item (Yjs's AbstractContent). One subclass per content ref number. */
public abstract class AbstractContent {
    public abstract int getLength();

    /** The elements of this content as a list (one entry per clock for countable content). */
    public abstract List<Object> getContent();

    /** False for meta content (formats, deleted): not addressable by index, not counted in length. */
    public abstract boolean isCountable();

    public abstract AbstractContent copy();

    /** Keeps [0, offset) here and returns a new content with the rest. */
    public AbstractContent splice(int offset) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + ".splice");
    }

    /** Appends right's content to this one if the content kind supports it. */
    public boolean mergeWith(AbstractContent right) {
        return false;
    }

    public void integrate(Transaction transaction, Item item) {}

    public void delete(Transaction transaction) {}

    public void gc(StructStore store) {}

    public abstract void write(UpdateEncoder encoder, int offset);

    public abstract int getRef();
}
