package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.lib0.Encoder;

/** UpdateEncoder.js DSEncoderV1/V2 common surface: how delete sets are written. */
public interface DSEncoder {
    /** The encoder holding everything that is not column-encoded (the whole output for V1). */
    Encoder restEncoder();

    /** Swaps the rest encoder (updates.js LazyStructWriter writes each client section separately). */
    void setRestEncoder(Encoder encoder);

    byte[] toUint8Array();

    void resetDsCurVal();

    void writeDsClock(long clock);

    void writeDsLen(long len);
}
