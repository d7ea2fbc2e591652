package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.lib0.Decoder;

/** UpdateDecoder.js DSDecoderV1/V2 common surface: how delete sets are read. */
public interface DSDecoder {
    Decoder restDecoder();

    void resetDsCurVal();

    long readDsClock();

    long readDsLen();
}
