package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.lib0.Encoder;

/** UpdateEncoder.js DSEncoderV1: plain varUints. */
public class DSEncoderV1 implements DSEncoder {
    public Encoder restEncoder = new Encoder();

    @Override
    public final void setRestEncoder(Encoder encoder) {
        this.restEncoder = encoder;
    }

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
        // nop in V1
    }

    @Override
    public void writeDsClock(long clock) {
        restEncoder.writeVarUint(clock);
    }

    @Override
    public void writeDsLen(long len) {
        restEncoder.writeVarUint(len);
    }
}
