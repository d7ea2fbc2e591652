package org.civicpress.ycrdt.lib0;

/**
 * lib0 StringEncoder: all strings concatenated into one varString, followed by their UTF-16
 * lengths in a UintOptRle column.
 */
public final class StringEncoder {
    private final StringBuilder sb = new StringBuilder();
    private final UintOptRleEncoder lensE = new UintOptRleEncoder();

    public void write(String string) {
        sb.append(string);
        lensE.write(string.length());
    }

    public byte[] toUint8Array() {
        Encoder encoder = new Encoder();
        encoder.writeVarString(sb.toString());
        encoder.writeUint8Array(lensE.toUint8Array());
        return encoder.toUint8Array();
    }
}
