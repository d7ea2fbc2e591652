package org.civicpress.ycrdt.lib0;

/** lib0 IncUintOptRleEncoder: runs of consecutive increasing values. */
public final class IncUintOptRleEncoder {
    private final Encoder encoder = new Encoder();
    private long s;
    private long count;

    public void write(long v) {
        if (s + count == v) {
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

    public byte[] toUint8Array() {
        flush();
        count = 0;
        return encoder.toUint8Array();
    }
}
