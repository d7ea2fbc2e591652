package org.civicpress.ycrdt.lib0;

/** lib0 RleDecoder for uint8 values; the last run repeats forever, as in lib0. */
public final class RleDecoder extends Decoder {
    private int s;
    private long count;

    public RleDecoder(byte[] arr, int start, int end) {
        super(arr, start, end);
    }

    public RleDecoder(Decoder window) {
        this(window.arr, window.pos, window.pos + window.remaining());
    }

    public int read() {
        if (count == 0) {
            s = readUint8();
            if (hasContent()) {
                count = readVarUint() + 1;
            } else {
                count = -1; // read the current value forever
            }
        }
        count--;
        return s;
    }
}
