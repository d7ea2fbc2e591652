package org.civicpress.ycrdt.structs;

import java.util.List;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** Content of a deleted item after its real content was garbage collected: only a length. */
public final class ContentDeleted extends AbstractContent {
    public static final int REF = 1;
    public int len;

    public ContentDeleted(int len) {
        this.len = len;
    }

    @Override
    public int getLength() {
        return len;
    }

    @Override
    public List<Object> getContent() {
        return List.of();
    }

    @Override
    public boolean isCountable() {
        return false;
    }

    @Override
    public ContentDeleted copy() {
        return new ContentDeleted(len);
    }

    @Override
    public ContentDeleted splice(int offset) {
        ContentDeleted right = new ContentDeleted(len - offset);
        len = offset;
        return right;
    }

    @Override
    public boolean mergeWith(AbstractContent right) {
        len += ((ContentDeleted) right).len;
        return true;
    }

    @Override
    public void integrate(Transaction transaction, Item item) {
        org.civicpress.ycrdt.utils.DeleteSet.addToDeleteSet(
                transaction.deleteSet, item.id.client(), item.id.clock(), len);
        item.markDeleted();
    }

    @Override
    public void gc(StructStore store) {}

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        encoder.writeLen(len - offset);
    }

    @Override
    public int getRef() {
        return REF;
    }

    public static ContentDeleted read(UpdateDecoder decoder) {
        return new ContentDeleted(Contents.checkedLen(decoder.readLen(), "ContentDeleted"));
    }
}
