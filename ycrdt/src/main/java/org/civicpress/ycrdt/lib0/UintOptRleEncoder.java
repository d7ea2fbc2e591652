package org.civicpress.ycrdt.lib0;

/**
 * lib0 UintOptRleEncoder: a single value is written as a positive varInt; a run is written as the
 * negated value (so zero becomes JavaScript's -0) followed by "count - 2".
 */
public final class UintOptRleEncoder {
    private final Encoder encoder = new Encoder();
    private long s;
    private long count;

    public void write(long v) {
        if (s == v) {
            count++;
        } else {
            flush();
            count = 1;
            s = v;
        }
    }

    private void flush() {
        if (count > 0) {
            encoder.writeVarInt(s < 0 ? -s : s, count == 1 ? s < 0 : s >= 0);
            if (count > 1) {
                encoder.writeVarUint(count - 2);
            }
        }
    }

    /** Flushes and returns the bytes; call once. */
    public byte[] toUint8Array() {
        flush();
        count = 0;
        return encoder.toUint8Array();
    }
}
