package org.civicpress.ycrdt.utils;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.IntDiffOptRleDecoder;
import org.civicpress.ycrdt.lib0.Limits;
import org.civicpress.ycrdt.lib0.RleDecoder;
import org.civicpress.ycrdt.lib0.StringDecoder;
import org.civicpress.ycrdt.lib0.UintOptRleDecoder;
import org.civicpress.ycrdt.lib0.Undefined;

/** UpdateDecoder.js UpdateDecoderV2: reads the column header, then values column by column. */
public class UpdateDecoderV2 extends DSDecoderV2 implements UpdateDecoder {
    private final ArrayList<String> keys = new ArrayList<>();
    private final IntDiffOptRleDecoder keyClockDecoder;
    private final UintOptRleDecoder clientDecoder;
    private final IntDiffOptRleDecoder leftClockDecoder;
    private final IntDiffOptRleDecoder rightClockDecoder;
    private final RleDecoder infoDecoder;
    private final StringDecoder stringDecoder;
    private final RleDecoder parentInfoDecoder;
    private final UintOptRleDecoder typeRefDecoder;
    private final UintOptRleDecoder lenDecoder;

    public UpdateDecoderV2(Decoder decoder) {
        super(decoder);
        decoder.readVarUint(); // feature flag, currently unused
        keyClockDecoder = new IntDiffOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
        clientDecoder = new UintOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
        leftClockDecoder = new IntDiffOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
        rightClockDecoder = new IntDiffOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
        infoDecoder = new RleDecoder(decoder.readVarUint8ArrayAsDecoder());
        stringDecoder = new StringDecoder(decoder.readVarUint8ArrayAsDecoder());
        parentInfoDecoder = new RleDecoder(decoder.readVarUint8ArrayAsDecoder());
        typeRefDecoder = new UintOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
        lenDecoder = new UintOptRleDecoder(decoder.readVarUint8ArrayAsDecoder());
    }

    public UpdateDecoderV2(byte[] update) {
        this(new Decoder(update));
    }

    private static long checkedClock(long clock, String what) {
        if (clock < 0 || clock > Limits.MAX_SAFE_INTEGER) {
            throw new InvalidUpdateException(what + " " + clock + " out of range");
        }
        return clock;
    }

    @Override
    public ID readLeftID() {
        long client = clientDecoder.read();
        return new ID(client, checkedClock(leftClockDecoder.read(), "left clock"));
    }

    @Override
    public ID readRightID() {
        long client = clientDecoder.read();
        return new ID(client, checkedClock(rightClockDecoder.read(), "right clock"));
    }

    @Override
    public long readClient() {
        return clientDecoder.read();
    }

    @Override
    public int readInfo() {
        return infoDecoder.read();
    }

    @Override
    public String readString() {
        return stringDecoder.read();
    }

    @Override
    public boolean readParentInfo() {
        return parentInfoDecoder.read() == 1;
    }

    @Override
    public int readTypeRef() {
        long ref = typeRefDecoder.read();
        if (ref > Integer.MAX_VALUE) {
            throw new InvalidUpdateException("type ref " + ref + " out of range");
        }
        return (int) ref;
    }

    @Override
    public long readLen() {
        return lenDecoder.read();
    }

    @Override
    public Object readAny() {
        return restDecoder.readAny();
    }

    @Override
    public byte[] readBuf() {
        return restDecoder.readVarUint8Array();
    }

    /**
     * V2 carries embeds and format values as Any, V1 as JSON text. Values JSON cannot express
     * (undefined at the top, bigint anywhere) are rejected here: Yjs would accept them and then fail
     * when the document is encoded as V1 or rendered.
     */
    @Override
    public Object readJSON() {
        int at = restDecoder.offset();
        Object value = restDecoder.readAny();
        if (value == Undefined.INSTANCE || containsBigInt(value)) {
            throw new InvalidUpdateException("JSON value at byte " + at + " has no JSON form (undefined or bigint)");
        }
        return value;
    }

    private static boolean containsBigInt(Object v) {
        if (v instanceof BigInteger) {
            return true;
        }
        if (v instanceof Map<?, ?> m) {
            for (Object o : m.values()) {
                if (containsBigInt(o)) {
                    return true;
                }
            }
        } else if (v instanceof List<?> l) {
            for (Object o : l) {
                if (containsBigInt(o)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String readKey() {
        long keyClock = keyClockDecoder.read();
        if (keyClock < 0) {
            throw new InvalidUpdateException("negative key clock " + keyClock);
        }
        if (keyClock < keys.size()) {
            return keys.get((int) keyClock);
        }
        String key = stringDecoder.read();
        keys.add(key);
        return key;
    }
}
