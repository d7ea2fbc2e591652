package org.civicpress.realtime.loadtest;

import java.util.function.LongConsumer;

/**
 * Each benchmark update inserts a marker text {@code <@xxxxxxxxxxxx@>} (12 lowercase hex digits of
 * a global sequence number). Yjs stores inserted text verbatim (UTF-8) in the update, so a
 * receiver finds the ids by scanning the bytes it got, whatever framing or merging the server did.
 */
public final class UpdateMarkers {
    static final int HEX_DIGITS = 12;
    static final int LENGTH = HEX_DIGITS + 4;
    public static final long MAX_ID = (1L << (4 * HEX_DIGITS)) - 1;

    private UpdateMarkers() {}

    public static String markerFor(long id) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException("marker id out of range: " + id);
        }
        StringBuilder sb = new StringBuilder(LENGTH).append("<@");
        String hex = Long.toHexString(id);
        sb.append("0".repeat(HEX_DIGITS - hex.length())).append(hex).append("@>");
        return sb.toString();
    }

    /** Calls {@code onId} for every well-formed marker in {@code bytes[from, to)}; returns how many. */
    public static int scan(byte[] bytes, int from, int to, LongConsumer onId) {
        int found = 0;
        int last = to - LENGTH;
        for (int i = from; i <= last; i++) {
            if (bytes[i] != '<'
                    || bytes[i + 1] != '@'
                    || bytes[i + LENGTH - 2] != '@'
                    || bytes[i + LENGTH - 1] != '>') {
                continue;
            }
            long id = 0;
            boolean ok = true;
            for (int k = 0; k < HEX_DIGITS && ok; k++) {
                int d = Character.digit(bytes[i + 2 + k], 16);
                ok = d >= 0;
                id = (id << 4) | d;
            }
            if (ok) {
                onId.accept(id);
                found++;
                i += LENGTH - 1;
            }
        }
        return found;
    }
}
