package org.civicpress.ycrdt.lib0;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * lib0/encoding.js: a growable byte buffer with lib0's number, string and Any formats. One
 * contiguous array instead of lib0's chunk list: simpler, and copying on growth is amortised.
 */
public class Encoder {
    private byte[] buf;
    private int pos;

    public Encoder() {
        this(64);
    }

    public Encoder(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Number of bytes written so far. */
    public final int length() {
        return pos;
    }

    public final boolean hasContent() {
        return pos > 0;
    }

    public byte[] toUint8Array() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int extra) {
        if (buf.length - pos < extra) {
            long want = Math.max((long) buf.length * 2, (long) pos + extra);
            if (want > Integer.MAX_VALUE - 16) {
                want = (long) pos + extra;
                if (want > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("encoder exceeds 2 GiB");
                }
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    public final void write(int b) {
        if (pos == buf.length) {
            ensure(1);
        }
        buf[pos++] = (byte) b;
    }

    public final void writeUint8(int b) {
        write(b);
    }

    /** Overwrites a byte already written (lib0 setUint8). */
    public final void setUint8(int at, int b) {
        buf[at] = (byte) b;
    }

    public final void writeUint16(int num) {
        ensure(2);
        buf[pos++] = (byte) num;
        buf[pos++] = (byte) (num >>> 8);
    }

    public final void writeUint32(long num) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[pos++] = (byte) num;
            num >>>= 8;
        }
    }

    public final void writeUint32BigEndian(long num) {
        ensure(4);
        for (int i = 3; i >= 0; i--) {
            buf[pos++] = (byte) (num >>> (8 * i));
        }
    }

    /** Unsigned LEB128 with 7-bit groups, as lib0 (numbers up to 2^53 in practice). */
    public final void writeVarUint(long num) {
        ensure(10);
        if (num < 0) {
            // JS: a negative number fails the "> 127" test immediately and writes its low 7 bits
            buf[pos++] = (byte) (num & 0x7F);
            return;
        }
        while (num > 0x7F) {
            buf[pos++] = (byte) (0x80 | (num & 0x7F));
            num >>>= 7;
        }
        buf[pos++] = (byte) num;
    }

    public final void writeVarInt(long num) {
        writeVarInt(num < 0 ? -num : num, num < 0);
    }

    /**
     * lib0 writeVarInt with an explicit sign: JavaScript has a negative zero that the RLE encoders
     * use as a flag ("a count follows"), which a Java long cannot express.
     */
    public final void writeVarInt(long magnitude, boolean negative) {
        ensure(11);
        long num = magnitude;
        buf[pos++] = (byte) ((num > 0x3F ? 0x80 : 0) | (negative ? 0x40 : 0) | (num & 0x3F));
        num >>>= 6;
        while (num > 0) {
            buf[pos++] = (byte) ((num > 0x7F ? 0x80 : 0) | (num & 0x7F));
            num >>>= 7;
        }
    }

    public final void writeVarString(String s) {
        int len = Utf8.encodedLength(s);
        writeVarUint(len);
        ensure(len);
        pos = Utf8.encodeInto(s, buf, pos);
    }

    public final void writeUint8Array(byte[] data) {
        writeUint8Array(data, 0, data.length);
    }

    public final void writeUint8Array(byte[] data, int off, int len) {
        ensure(len);
        System.arraycopy(data, off, buf, pos, len);
        pos += len;
    }

    public final void writeVarUint8Array(byte[] data) {
        writeVarUint(data.length);
        writeUint8Array(data, 0, data.length);
    }

    /** Appends everything another encoder holds (lib0 writeBinaryEncoder). */
    public final void writeBinaryEncoder(Encoder other) {
        writeUint8Array(other.buf, 0, other.pos);
    }

    public final void writeFloat32(float num) {
        writeUint32BigEndian(Float.floatToRawIntBits(num) & 0xFFFFFFFFL);
    }

    public final void writeFloat64(double num) {
        writeBigInt64(Double.doubleToRawLongBits(num));
    }

    public final void writeBigInt64(long num) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[pos++] = (byte) (num >>> (8 * i));
        }
    }

    /** lib0 writeAny. Values as documented in {@link Any}. */
    public final void writeAny(Object data) {
        writeAny(data, 0);
    }

    private void writeAny(Object data, int depth) {
        if (depth > Limits.MAX_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + Limits.MAX_DEPTH + " levels");
        }
        if (data instanceof String s) {
            write(119);
            writeVarString(s);
        } else if (data == null) {
            write(126);
        } else if (data instanceof Boolean b) {
            write(b ? 120 : 121);
        } else if (data instanceof Long || data instanceof Integer || data instanceof Short || data instanceof Byte) {
            long v = ((Number) data).longValue();
            if (v >= -0x7FFFFFFFL && v <= 0x7FFFFFFFL) {
                write(125);
                writeVarInt(v);
            } else {
                writeNonIntNumber(v);
            }
        } else if (data instanceof Double || data instanceof Float) {
            writeNumber(((Number) data).doubleValue());
        } else if (data instanceof BigInteger bi) {
            write(122);
            writeBigInt64(bi.longValue()); // DataView.setBigInt64 wraps modulo 2^64 too
        } else if (data instanceof Map<?, ?> map) {
            write(118);
            List<Map.Entry<?, ?>> entries = Any.jsKeyOrder(map);
            writeVarUint(entries.size());
            for (Map.Entry<?, ?> e : entries) {
                writeVarString(String.valueOf(e.getKey()));
                writeAny(e.getValue(), depth + 1);
            }
        } else if (data instanceof List<?> list) {
            write(117);
            writeVarUint(list.size());
            for (Object o : list) {
                writeAny(o, depth + 1);
            }
        } else if (data instanceof Object[] arr) {
            write(117);
            writeVarUint(arr.length);
            for (Object o : arr) {
                writeAny(o, depth + 1);
            }
        } else if (data instanceof byte[] bytes) {
            write(116);
            writeVarUint8Array(bytes);
        } else if (data instanceof Number n) {
            writeNumber(n.doubleValue());
        } else {
            // JS: functions, symbols, undefined all fall to "undefined"
            write(127);
        }
    }

    private void writeNumber(double d) {
        if (d == Math.rint(d) && Math.abs(d) <= 0x7FFFFFFF) {
            write(125);
            // -0 is an integer in JS and keeps its sign bit in varInt
            boolean negative = d < 0 || (d == 0 && Double.doubleToRawLongBits(d) != 0);
            writeVarInt((long) Math.abs(d), negative);
        } else {
            writeNonIntNumber(d);
        }
    }

    private void writeNonIntNumber(double d) {
        float f = (float) d;
        if ((double) f == d) { // lib0 isFloat32 (false for NaN)
            write(124);
            writeFloat32(f);
        } else {
            write(123);
            writeFloat64(d);
        }
    }
}
