package org.civicpress.realtime.errors;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one place WebSocket close reasons are cut to size. RFC 6455 §5.5: a control frame carries at most
 * 125 payload bytes, 2 of which are the close code, so a close reason is at most 123 bytes of UTF-8.
 * Longer reasons are cut at a code-point boundary (never inside a multi-byte character or between the two
 * halves of a surrogate pair), so the result is always valid UTF-8.
 */
public final class CloseReasons {
    /** The largest close reason, in UTF-8 bytes. */
    public static final int MAX_BYTES = 123;

    private CloseReasons() {}

    /** {@code reason} (null = empty) if it fits in {@link #MAX_BYTES} UTF-8 bytes, else its longest prefix that does. */
    public static String truncate(String reason) {
        return new String(utf8(reason), StandardCharsets.UTF_8);
    }

    /** The UTF-8 bytes of {@link #truncate}{@code (reason)}: what goes into the close frame. */
    public static byte[] utf8(String reason) {
        byte[] bytes = (reason == null ? "" : reason).getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_BYTES) {
            return bytes;
        }
        int end = MAX_BYTES;
        // bytes[end] is the first byte left out: step back while it continues the character before it
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }
}
