package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.lib0.Decoder;

/** UpdateDecoder.js DSDecoderV1. */
public class DSDecoderV1 implements DSDecoder {
    public final Decoder restDecoder;

    public DSDecoderV1(Decoder decoder) {
        this.restDecoder = decoder;
    }

    @Override
    public final Decoder restDecoder() {
        return restDecoder;
    }

    @Override
    public void resetDsCurVal() {
        // nop in V1
    }

    @Override
    public long readDsClock() {
        return restDecoder.readVarUint();
    }

    @Override
    public long readDsLen() {
        return restDecoder.readVarUint();
    }
}
