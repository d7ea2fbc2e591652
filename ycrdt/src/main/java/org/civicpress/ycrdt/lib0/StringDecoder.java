package org.civicpress.ycrdt.lib0;

import org.civicpress.ycrdt.InvalidUpdateException;

/** lib0 StringDecoder: slices the concatenated string by the UTF-16 lengths column. */
public final class StringDecoder {
    private final UintOptRleDecoder decoder;
    private final String str;
    private int spos;

    public StringDecoder(Decoder window) {
        decoder = new UintOptRleDecoder(window);
        str = decoder.readVarString();
    }

    public String read() {
        long len = decoder.read();
        if (len < 0 || len > str.length() - spos) {
            throw new InvalidUpdateException(
                    "string length " + len + " exceeds the string column (" + (str.length() - spos) + " chars left)");
        }
        int end = spos + (int) len;
        String res = str.substring(spos, end);
        spos = end;
        return res;
    }
}
