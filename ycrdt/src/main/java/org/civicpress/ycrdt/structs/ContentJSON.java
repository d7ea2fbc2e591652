package org.civicpress.ycrdt.structs;

import java.util.ArrayList;
import java.util.List;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** Legacy content: values stored as JSON strings ("undefined" for undefined). */
public final class ContentJSON extends AbstractContent {
    public static final int REF = 2;
    public List<Object> arr;

    public ContentJSON(List<Object> arr) {
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
    public ContentJSON copy() {
        return new ContentJSON(arr);
    }

    @Override
    public ContentJSON splice(int offset) {
        ContentJSON right = new ContentJSON(new ArrayList<>(arr.subList(offset, arr.size())));
        arr = new ArrayList<>(arr.subList(0, offset));
        return right;
    }

    @Override
    public boolean mergeWith(AbstractContent right) {
        List<Object> merged = new ArrayList<>(arr.size() + ((ContentJSON) right).arr.size());
        merged.addAll(arr);
        merged.addAll(((ContentJSON) right).arr);
        arr = merged;
        return true;
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        int len = arr.size();
        encoder.writeLen(len - offset);
        for (int i = offset; i < len; i++) {
            Object c = arr.get(i);
            encoder.writeString(c == Undefined.INSTANCE ? "undefined" : Json.stringify(c));
        }
    }

    @Override
    public int getRef() {
        return REF;
    }

    public static ContentJSON read(UpdateDecoder decoder) {
        int len = Contents.checkedLen(decoder.readLen(), "ContentJSON");
        List<Object> cs = new ArrayList<>(Math.min(len, 64));
        for (int i = 0; i < len; i++) {
            String c = decoder.readString();
            cs.add("undefined".equals(c) ? Undefined.INSTANCE : Contents.parseJson(c, "ContentJSON"));
        }
        return new ContentJSON(cs);
    }
}
