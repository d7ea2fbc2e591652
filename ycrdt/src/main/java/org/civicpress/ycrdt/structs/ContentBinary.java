package org.civicpress.ycrdt.structs;

import java.util.List;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A single binary blob (Uint8Array). */
public final class ContentBinary extends AbstractContent {
    public static final int REF = 3;
    public final byte[] content;

    public ContentBinary(byte[] content) {
        this.content = content;
    }

    @Override
    public int getLength() {
        return 1;
    }

    @Override
    public List<Object> getContent() {
        return List.of(content);
    }

    @Override
    public boolean isCountable() {
        return true;
    }

    @Override
    public ContentBinary copy() {
        return new ContentBinary(content);
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        encoder.writeBuf(content);
    }

    @Override
    public int getRef() {
        return REF;
    }

    public static ContentBinary read(UpdateDecoder decoder) {
        return new ContentBinary(decoder.readBuf());
    }
}
