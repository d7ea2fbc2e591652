package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Limits;

/** UpdateDecoder.js DSDecoderV2: clocks as differences, lengths minus one. */
public class DSDecoderV2 implements DSDecoder {
    public final Decoder restDecoder;
    private long dsCurrVal;

    public DSDecoderV2(Decoder decoder) {
        this.restDecoder = decoder;
    }

    @Override
    public final Decoder restDecoder() {
        return restDecoder;
    }

    @Override
    public void resetDsCurVal() {
        dsCurrVal = 0;
    }

    @Override
    public long readDsClock() {
        dsCurrVal += restDecoder.readVarUint();
        checkClock();
        return dsCurrVal;
    }

    @Override
    public long readDsLen() {
        long diff = restDecoder.readVarUint() + 1;
        dsCurrVal += diff;
        checkClock();
        return diff;
    }

    private void checkClock() {
        if (dsCurrVal > Limits.MAX_SAFE_INTEGER) {
            throw new InvalidUpdateException("delete set clock exceeds 2^53 at byte " + restDecoder.offset());
        }
    }
}
