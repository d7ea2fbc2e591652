package org.civicpress.ycrdt.structs;

import java.util.ArrayList;
import java.util.List;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/**
 * Text content. Lengths and offsets are UTF-16 code units, exactly as JS strings.
 * Typing appends one character at a time to the same item (via mergeWith), so appends go to a
 * StringBuilder that is turned back into a String on first read: this keeps merging linear.
 */
public final class ContentString extends AbstractContent {
    public static final int REF = 4;
    private static final String REPLACEMENT = "\uFFFD";

    private String str;
    /** Non-null while merges are being appended; then `str` is stale (null). */
    private StringBuilder buf;

    public ContentString(String str) {
        this.str = str;
    }

    /** The text (JS `content.str`). */
    public String str() {
        if (buf != null) {
            str = buf.toString();
            buf = null;
        }
        return str;
    }

    @Override
    public int getLength() {
        return buf != null ? buf.length() : str.length();
    }

    @Override
    public List<Object> getContent() {
        String s = str();
        List<Object> chars = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); i++) {
            chars.add(String.valueOf(s.charAt(i)));
        }
        return chars;
    }

    @Override
    public boolean isCountable() {
        return true;
    }

    @Override
    public ContentString copy() {
        return new ContentString(str());
    }

    @Override
    public ContentString splice(int offset) {
        String s = str();
        ContentString right = new ContentString(s.substring(offset));
        String left = s.substring(0, offset);
        // Splitting a surrogate pair would produce invalid UTF-16 on both sides: Yjs replaces both halves
        // with U+FFFD (yjs issue #248). offset 0 reads charCodeAt(-1) = NaN in JS: no replacement.
        if (offset > 0) {
            char first = left.charAt(offset - 1);
            if (first >= 0xD800 && first <= 0xDBFF) {
                left = left.substring(0, offset - 1) + REPLACEMENT;
                right.str = REPLACEMENT + right.str.substring(Math.min(1, right.str.length()));
            }
        }
        this.str = left;
        return right;
    }

    @Override
    public boolean mergeWith(AbstractContent right) {
        ContentString r = (ContentString) right;
        if (buf == null) {
            buf = new StringBuilder(str.length() + 16).append(str);
            str = null;
        }
        if (r.buf != null) {
            buf.append(r.buf);
        } else {
            buf.append(r.str);
        }
        return true;
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        if (buf != null) {
            // don't materialize: a growing item is written (tail only) after every keystroke
            encoder.writeString(offset == 0 ? buf.toString() : buf.substring(offset));
        } else {
            encoder.writeString(offset == 0 ? str : str.substring(offset));
        }
    }

    @Override
    public int getRef() {
        return REF;
    }

    @Override
    public String toString() {
        return str();
    }

    public static ContentString read(UpdateDecoder decoder) {
        return new ContentString(decoder.readString());
    }
}
