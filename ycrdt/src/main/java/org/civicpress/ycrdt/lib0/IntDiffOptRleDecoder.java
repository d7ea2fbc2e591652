package org.civicpress.ycrdt.lib0;

/** lib0 IntDiffOptRleDecoder. */
public final class IntDiffOptRleDecoder extends Decoder {
    private long s;
    private long count;
    private long diff;

    public IntDiffOptRleDecoder(byte[] arr, int start, int end) {
        super(arr, start, end);
    }

    public IntDiffOptRleDecoder(Decoder window) {
        this(window.arr, window.pos, window.pos + window.remaining());
    }

    public long read() {
        if (count == 0) {
            long d = readVarInt();
            // JS: diff & 1 and Math.floor(diff / 2) on two's complement values
            diff = d >> 1;
            count = 1;
            if ((d & 1) != 0) {
                count = readVarUint() + 2;
            }
        }
        s += diff;
        count--;
        return s;
    }
}
