package org.civicpress.ycrdt.structs;

import java.util.Collections;
import java.util.List;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.types.TypeRefs;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A nested shared type (YArray, YMap, YText, Xml...) living inside an item. */
public final class ContentType extends AbstractContent {
    public static final int REF = 7;
    public final AbstractType type;

    public ContentType(AbstractType type) {
        this.type = type;
    }

    @Override
    public int getLength() {
        return 1;
    }

    @Override
    public List<Object> getContent() {
        return Collections.singletonList(type);
    }

    @Override
    public boolean isCountable() {
        return true;
    }

    @Override
    public ContentType copy() {
        return new ContentType(type._copy());
    }

    @Override
    public void integrate(Transaction transaction, Item item) {
        type._integrate(transaction.doc, item);
    }

    /**
     * Deletes all children. Nested types are queued on the transaction instead of recursing, so
     * deleting a deeply nested structure cannot overflow the stack.
     */
    @Override
    public void delete(Transaction transaction) {
        if (transaction._typesToDelete == null) {
            transaction._typesToDelete = new java.util.ArrayDeque<>();
        }
        transaction._typesToDelete.add(this);
        if (transaction._typesToDelete.size() > 1) {
            return; // an outer call is draining the queue
        }
        while (!transaction._typesToDelete.isEmpty()) {
            transaction._typesToDelete.peekFirst().deleteChildren(transaction);
            transaction._typesToDelete.pollFirst();
        }
    }

    private void deleteChildren(Transaction transaction) {
        for (Item item = type._start; item != null; item = item.right) {
            if (!item.deleted()) {
                item.delete(transaction);
            } else if (item.id.clock() < transaction.beforeStateOf(item.id.client())) {
                // will be gc'd later and we want to merge it if possible; it is not in transaction.ds
                transaction._mergeStructs.add(item);
            }
        }
        for (Item item : type._map.values()) {
            if (!item.deleted()) {
                item.delete(transaction);
            } else if (item.id.clock() < transaction.beforeStateOf(item.id.client())) {
                transaction._mergeStructs.add(item);
            }
        }
        transaction.changed.remove(type);
    }

    /** Collects all children; nested types are queued on the store (no recursion, see delete). */
    @Override
    public void gc(StructStore store) {
        if (store._typesToGc == null) {
            store._typesToGc = new java.util.ArrayDeque<>();
        }
        store._typesToGc.add(this);
        if (store._typesToGc.size() > 1) {
            return;
        }
        while (!store._typesToGc.isEmpty()) {
            store._typesToGc.peekFirst().gcChildren(store);
            store._typesToGc.pollFirst();
        }
    }

    private void gcChildren(StructStore store) {
        Item item = type._start;
        while (item != null) {
            item.gc(store, true);
            item = item.right;
        }
        type._start = null;
        for (Item value : type._map.values()) {
            for (Item i = value; i != null; i = i.left) {
                i.gc(store, true);
            }
        }
        type._map.clear();
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        type._write(encoder);
    }

    @Override
    public int getRef() {
        return REF;
    }

    public static ContentType read(UpdateDecoder decoder) {
        int typeRef = decoder.readTypeRef();
        if (typeRef < 0 || typeRef >= TypeRefs.COUNT) {
            throw new InvalidUpdateException("unknown type ref " + typeRef + " in ContentType");
        }
        return new ContentType(TypeRefs.readType(typeRef, decoder));
    }
}
