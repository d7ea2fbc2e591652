package org.civicpress.ycrdt.structs;

import java.util.List;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A formatting marker (key/value) in a YText; not countable. */
public final class ContentFormat extends AbstractContent {
    public static final int REF = 6;
    public final String key;
    public final Object value;

    public ContentFormat(String key, Object value) {
        this.key = key;
        this.value = value;
    }

    @Override
    public int getLength() {
        return 1;
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
    public ContentFormat copy() {
        return new ContentFormat(key, value);
    }

    @Override
    public void integrate(Transaction transaction, Item item) {
        // search markers are not supported for rich text (as in Yjs)
        AbstractType p = (AbstractType) item.parent;
        p._searchMarker = null;
        p._hasFormatting = true;
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        encoder.writeKey(key);
        encoder.writeJSON(value);
    }

    @Override
    public int getRef() {
        return REF;
    }

    public static ContentFormat read(UpdateDecoder decoder) {
        return new ContentFormat(decoder.readKey(), decoder.readJSON());
    }
}
