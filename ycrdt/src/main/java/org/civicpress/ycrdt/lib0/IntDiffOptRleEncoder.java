package org.civicpress.ycrdt.lib0;

/**
 * lib0 IntDiffOptRleEncoder: stores differences; the lowest bit of each written diff says whether
 * a run count follows.
 */
public final class IntDiffOptRleEncoder {
    private final Encoder encoder = new Encoder();
    private long s;
    private long count;
    private long diff;

    public void write(long v) {
        if (diff == v - s) {
            s = v;
            count++;
        } else {
            flush();
            count = 1;
            diff = v - s;
            s = v;
        }
    }

    private void flush() {
        if (count > 0) {
            encoder.writeVarInt(diff * 2 + (count == 1 ? 0 : 1));
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
