package org.civicpress.ycrdt.lib0;

/** lib0 UintOptRleDecoder. */
public final class UintOptRleDecoder extends Decoder {
    private long s;
    private long count;

    public UintOptRleDecoder(byte[] arr, int start, int end) {
        super(arr, start, end);
    }

    public UintOptRleDecoder(Decoder window) {
        this(window.arr, window.pos, window.pos + window.remaining());
    }

    public long read() {
        if (count == 0) {
            s = readVarInt();
            count = 1;
            if (lastVarIntWasNegative()) {
                s = -s;
                count = readVarUint() + 2;
            }
        }
        count--;
        return s;
    }
}
