package org.civicpress.ycrdt.structs;

import java.util.ArrayList;
import java.util.List;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A list of Any values (JSON-like, see lib0 Any codec): YArray/YMap values. */
public final class ContentAny extends AbstractContent {
    public static final int REF = 8;
    public List<Object> arr;

    public ContentAny(List<Object> arr) {
        this.arr = arr;
    }

    @Override
    public int getLength() {
        return arr.size();
    }

    @Override
    public List<Object> getContent() {
        return arr;
    }

    @Override
    public boolean isCountable() {
        return true;
    }

    @Override
    public ContentAny copy() {
        return new ContentAny(arr);
    }

    @Override
    public ContentAny splice(int offset) {
        ContentAny right = new ContentAny(new ArrayList<>(arr.subList(offset, arr.size())));
        arr = new ArrayList<>(arr.subList(0, offset));
        return right;
    }

    @Override
    public boolean mergeWith(AbstractContent right) {
        // copy on first merge: `arr` may be a list the caller still holds (JS concat also copies)
        List<Object> merged = new ArrayList<>(arr.size() + ((ContentAny) right).arr.size());
        merged.addAll(arr);
        merged.addAll(((ContentAny) right).arr);
        arr = merged;
        return true;
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        int len = arr.size();
        encoder.writeLen(len - offset);
        for (int i = offset; i < len; i++) {
            encoder.writeAny(arr.get(i));
        }
    }

    @Override
    public int getRef() {
        return REF;
    }

    public static ContentAny read(UpdateDecoder decoder) {
        int len = Contents.checkedLen(decoder.readLen(), "ContentAny");
        List<Object> cs = new ArrayList<>(Math.min(len, 64));
        for (int i = 0; i < len; i++) {
            cs.add(decoder.readAny());
        }
        return new ContentAny(cs);
    }
}
