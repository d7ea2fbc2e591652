package org.civicpress.ycrdt.lib0;

import java.nio.charset.StandardCharsets;
import org.civicpress.ycrdt.InvalidUpdateException;

/**
 * UTF-8 exactly as lib0 uses it: encoding like {@code TextEncoder} (a lone surrogate becomes
 * U+FFFD, where Java's own encoder would write '?'), decoding like {@code new TextDecoder('utf-8',
 * {fatal: true, ignoreBOM: true})} (malformed input is an error, a BOM is kept).
 */
public final class Utf8 {
    private Utf8() {}

    /** Number of bytes {@link #encode} produces for {@code s}. */
    public static int encodedLength(String s) {
        int n = s.length();
        long len = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    len += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    len += 2; // 4 bytes for 2 chars
                    i++;
                } else {
                    len += 2; // 3 bytes (BMP char, or U+FFFD for a lone surrogate)
                }
            }
        }
        if (len > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("string too long to encode: " + len + " bytes");
        }
        return (int) len;
    }

    /** Writes the UTF-8 form of {@code s} into {@code dst} at {@code pos}; returns the new position. */
    public static int encodeInto(String s, byte[] dst, int pos) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[pos++] = (byte) c;
            } else if (c < 0x800) {
                dst[pos++] = (byte) (0xC0 | (c >> 6));
                dst[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    dst[pos++] = (byte) (0xF0 | (cp >> 18));
                    dst[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    dst[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    dst[pos++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    // lone surrogate: TextEncoder writes U+FFFD
                    dst[pos++] = (byte) 0xEF;
                    dst[pos++] = (byte) 0xBF;
                    dst[pos++] = (byte) 0xBD;
                }
            } else {
                dst[pos++] = (byte) (0xE0 | (c >> 12));
                dst[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                dst[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return pos;
    }

    public static byte[] encode(String s) {
        byte[] out = new byte[encodedLength(s)];
        encodeInto(s, out, 0);
        return out;
    }

    /** Strict decode of {@code len} bytes at {@code off}; malformed input throws InvalidUpdateException. */
    public static String decode(byte[] src, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end && src[i] >= 0) {
            i++;
        }
        if (i == end) {
            // pure ASCII: the fastest String constructor
            return new String(src, off, len, StandardCharsets.ISO_8859_1);
        }
        char[] out = new char[len];
        int o = 0;
        for (int k = off; k < i; k++) {
            out[o++] = (char) src[k];
        }
        while (i < end) {
            int b = src[i] & 0xFF;
            if (b < 0x80) {
                out[o++] = (char) b;
                i++;
            } else if (b >= 0xC2 && b <= 0xDF) {
                int b1 = cont(src, i + 1, end, 0x80, 0xBF, off);
                out[o++] = (char) (((b & 0x1F) << 6) | (b1 & 0x3F));
                i += 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                int lo = b == 0xE0 ? 0xA0 : 0x80;
                int hi = b == 0xED ? 0x9F : 0xBF; // no encoded surrogates
                int b1 = cont(src, i + 1, end, lo, hi, off);
                int b2 = cont(src, i + 2, end, 0x80, 0xBF, off);
                out[o++] = (char) (((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F));
                i += 3;
            } else if (b >= 0xF0 && b <= 0xF4) {
                int lo = b == 0xF0 ? 0x90 : 0x80;
                int hi = b == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
                int b1 = cont(src, i + 1, end, lo, hi, off);
                int b2 = cont(src, i + 2, end, 0x80, 0xBF, off);
                int b3 = cont(src, i + 3, end, 0x80, 0xBF, off);
                int cp = ((b & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F);
                out[o++] = Character.highSurrogate(cp);
                out[o++] = Character.lowSurrogate(cp);
                i += 4;
            } else {
                throw malformed(i, off);
            }
        }
        return new String(out, 0, o);
    }

    private static int cont(byte[] src, int i, int end, int lo, int hi, int off) {
        if (i >= end) {
            throw new InvalidUpdateException("invalid UTF-8: truncated sequence at string byte " + (i - off));
        }
        int b = src[i] & 0xFF;
        if (b < lo || b > hi) {
            throw malformed(i, off);
        }
        return b;
    }

    private static InvalidUpdateException malformed(int i, int off) {
        return new InvalidUpdateException("invalid UTF-8 at string byte " + (i - off));
    }
}
