package org.civicpress.realtime.http;

import java.util.regex.Pattern;

/**
 * Room ids accepted in {@code /realtime/{roomId}}: 1..256 characters of {@code [A-Za-z0-9._:-]}.
 * Enough for CivicPress ids such as {@code bylaw:2024-017.draft}, and safe to use unescaped as a
 * persistence id, a sharding entity id and in log lines.
 */
public final class RoomIds {
    public static final int MAX_LENGTH = 256;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

    private RoomIds() {}

    public static boolean isValid(String roomId) {
        return roomId != null && VALID.matcher(roomId).matches();
    }
}
