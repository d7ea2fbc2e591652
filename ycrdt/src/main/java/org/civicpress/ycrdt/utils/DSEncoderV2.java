package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.lib0.Encoder;

/** UpdateEncoder.js DSEncoderV2: clocks as differences, lengths minus one. */
public class DSEncoderV2 implements DSEncoder {
    /** Encodes all the rest / non-optimized data. */
    public Encoder restEncoder = new Encoder();

    @Override
    public final void setRestEncoder(Encoder encoder) {
        this.restEncoder = encoder;
    }

    private long dsCurrVal;

    @Override
    public final Encoder restEncoder() {
        return restEncoder;
    }

    @Override
    public byte[] toUint8Array() {
        return restEncoder.toUint8Array();
    }

    @Override
    public void resetDsCurVal() {
        dsCurrVal = 0;
    }

    @Override
    public void writeDsClock(long clock) {
        long diff = clock - dsCurrVal;
        dsCurrVal = clock;
        restEncoder.writeVarUint(diff);
    }

    @Override
    public void writeDsLen(long len) {
        if (len == 0) {
            throw new IllegalArgumentException("delete set length 0 cannot be encoded in V2");
        }
        restEncoder.writeVarUint(len - 1);
        dsCurrVal += len;
    }
}
