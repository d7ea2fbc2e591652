package org.civicpress.realtime.http;

import java.util.Map;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.RealtimeError;

/** A WebSocket request for a room id that {@link RoomIds} rejects: HTTP 400 before any upgrade. */
public final class InvalidRoomIdError extends RealtimeError {
    public InvalidRoomIdError(String roomId) {
        super("INVALID_ROOM_ID", 400, CloseCodes.INVALID_MESSAGE,
                "room id must be 1.." + RoomIds.MAX_LENGTH + " characters of A-Z a-z 0-9 . _ : -",
                Map.of("roomId", abbreviate(roomId)), null, null);
    }

    private static String abbreviate(String roomId) {
        return roomId.length() <= 64 ? roomId : roomId.substring(0, 64) + "...";
    }
}
