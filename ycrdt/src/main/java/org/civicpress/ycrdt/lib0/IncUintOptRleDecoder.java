package org.civicpress.ycrdt.lib0;

/** lib0 IncUintOptRleDecoder. */
public final class IncUintOptRleDecoder extends Decoder {
    private long s;
    private long count;

    public IncUintOptRleDecoder(byte[] arr, int start, int end) {
        super(arr, start, end);
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
        return s++;
    }
}
