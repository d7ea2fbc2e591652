package org.civicpress.ycrdt.lib0;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import org.civicpress.ycrdt.InvalidUpdateException;

/**
 * lib0/decoding.js over a window {@code [start, end)} of a byte array. Unlike lib0, every read is
 * bounds-checked: truncation, numbers beyond 2^53 and lengths beyond the remaining bytes throw
 * {@link InvalidUpdateException} (lib0 would read {@code undefined} or throw a plain Error).
 */
public class Decoder {
    protected final byte[] arr;
    private final int start;
    private final int end;
    /** Absolute position in {@link #arr}. */
    public int pos;
    /** Sign of the last varInt read, so callers can see JavaScript's negative zero. */
    private boolean lastVarIntNegative;

    public Decoder(byte[] arr) {
        this(arr, 0, arr.length);
    }

    public Decoder(byte[] arr, int start, int end) {
        if (start < 0 || end > arr.length || start > end) {
            throw new IllegalArgumentException("bad window " + start + ".." + end + " of " + arr.length);
        }
        this.arr = arr;
        this.start = start;
        this.end = end;
        this.pos = start;
    }

    public final boolean hasContent() {
        return pos < end;
    }

    public final int remaining() {
        return end - pos;
    }

    /** Offset relative to the start of this decoder's window, for error messages. */
    public final int offset() {
        return pos - start;
    }

    protected final InvalidUpdateException error(String what) {
        return new InvalidUpdateException(what + " at byte " + (pos - start));
    }

    private InvalidUpdateException eof() {
        return error("unexpected end of data");
    }

    public final int readUint8() {
        if (pos >= end) {
            throw eof();
        }
        return arr[pos++] & 0xFF;
    }

    public final int peekUint8() {
        if (pos >= end) {
            throw eof();
        }
        return arr[pos] & 0xFF;
    }

    public final int readUint16() {
        need(2);
        int v = (arr[pos] & 0xFF) | ((arr[pos + 1] & 0xFF) << 8);
        pos += 2;
        return v;
    }

    public final long readUint32() {
        need(4);
        long v = (arr[pos] & 0xFFL)
                | ((arr[pos + 1] & 0xFFL) << 8)
                | ((arr[pos + 2] & 0xFFL) << 16)
                | ((arr[pos + 3] & 0xFFL) << 24);
        pos += 4;
        return v;
    }

    public final long readUint32BigEndian() {
        need(4);
        long v = ((arr[pos] & 0xFFL) << 24)
                | ((arr[pos + 1] & 0xFFL) << 16)
                | ((arr[pos + 2] & 0xFFL) << 8)
                | (arr[pos + 3] & 0xFFL);
        pos += 4;
        return v;
    }

    private void need(long n) {
        if (n < 0 || n > end - pos) {
            throw eof();
        }
    }

    /** Unsigned varint; values above 2^53-1 (JavaScript's safe range) are rejected. */
    public final long readVarUint() {
        int p = pos;
        long num = 0;
        int shift = 0;
        while (p < end) {
            int r = arr[p++];
            long bits = r & 0x7F;
            if (bits != 0) {
                if (shift > 52 || (num |= bits << shift) > Limits.MAX_SAFE_INTEGER) {
                    pos = p;
                    throw error("varUint exceeds 2^53");
                }
            }
            shift += 7;
            if (r >= 0) {
                pos = p;
                return num;
            }
        }
        pos = p;
        throw eof();
    }

    /** varUint that must also fit an int index/length (used for counts and byte lengths). */
    public final int readVarUintAsInt() {
        long v = readVarUint();
        if (v > Integer.MAX_VALUE) {
            throw error("length " + v + " too large");
        }
        return (int) v;
    }

    /** Signed varint (sign bit in the first byte); {@link #lastVarIntWasNegative()} tells -0 from 0. */
    public final long readVarInt() {
        int r = readUint8();
        long num = r & 0x3F;
        boolean negative = (r & 0x40) != 0;
        int shift = 6;
        while ((r & 0x80) != 0) {
            r = readUint8();
            long bits = r & 0x7F;
            if (bits != 0) {
                if (shift > 52 || (num |= bits << shift) > Limits.MAX_SAFE_INTEGER) {
                    throw error("varInt exceeds 2^53");
                }
            }
            shift += 7;
        }
        lastVarIntNegative = negative;
        return negative ? -num : num;
    }

    public final boolean lastVarIntWasNegative() {
        return lastVarIntNegative;
    }

    public final long peekVarUint() {
        int p = pos;
        try {
            return readVarUint();
        } finally {
            pos = p;
        }
    }

    public final byte[] readUint8Array(long len) {
        need(len);
        byte[] out = Arrays.copyOfRange(arr, pos, pos + (int) len);
        pos += (int) len;
        return out;
    }

    public final byte[] readVarUint8Array() {
        return readUint8Array(readVarUint());
    }

    /** Skips a varUint8Array and returns a decoder over its bytes without copying. */
    public final Decoder readVarUint8ArrayAsDecoder() {
        long len = readVarUint();
        need(len);
        Decoder d = new Decoder(arr, pos, pos + (int) len);
        pos += (int) len;
        return d;
    }

    public final byte[] readTailAsUint8Array() {
        return readUint8Array(end - pos);
    }

    public final String readVarString() {
        long len = readVarUint();
        need(len);
        String s = Utf8.decode(arr, pos, (int) len);
        pos += (int) len;
        return s;
    }

    public final float readFloat32() {
        return Float.intBitsToFloat((int) readUint32BigEndian());
    }

    public final double readFloat64() {
        return Double.longBitsToDouble(readBigInt64());
    }

    public final long readBigInt64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (arr[pos++] & 0xFF);
        }
        return v;
    }

    /** lib0 readAny; see {@link Any} for the Java types produced. Nesting is capped. */
    public final Object readAny() {
        return readAny(0);
    }

    private Object readAny(int depth) {
        int at = pos;
        int type = readUint8();
        switch (type) {
            case 127:
                return Undefined.INSTANCE;
            case 126:
                return null;
            case 125: {
                long v = readVarInt();
                if (v == 0 && lastVarIntNegative) {
                    return -0.0d; // JS -0 survives the round trip
                }
                return v;
            }
            case 124:
                return (double) readFloat32();
            case 123:
                return readFloat64();
            case 122:
                return BigInteger.valueOf(readBigInt64());
            case 121:
                return Boolean.FALSE;
            case 120:
                return Boolean.TRUE;
            case 119:
                return readVarString();
            case 118: {
                if (depth >= Limits.MAX_DEPTH) {
                    throw error("Any value nested deeper than " + Limits.MAX_DEPTH);
                }
                long len = readVarUint();
                need(len); // every entry takes at least 2 bytes: cheap sanity bound
                LinkedHashMap<String, Object> obj = new LinkedHashMap<>();
                for (long i = 0; i < len; i++) {
                    String key = readVarString();
                    obj.put(key, readAny(depth + 1));
                }
                return obj;
            }
            case 117: {
                if (depth >= Limits.MAX_DEPTH) {
                    throw error("Any value nested deeper than " + Limits.MAX_DEPTH);
                }
                long len = readVarUint();
                need(len); // every element takes at least 1 byte
                ArrayList<Object> list = new ArrayList<>((int) Math.min(len, 1024));
                for (long i = 0; i < len; i++) {
                    list.add(readAny(depth + 1));
                }
                return list;
            }
            case 116:
                return readVarUint8Array();
            default:
                pos = at;
                throw error("unknown Any type " + type);
        }
    }
}
