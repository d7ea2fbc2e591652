package org.civicpress.realtime.http;

import java.util.Map;
import org.civicpress.realtime.errors.ErrorCode;
import org.civicpress.realtime.errors.RealtimeError;

/** A WebSocket request for a room id that {@link RoomIds} rejects: HTTP 400 before any upgrade. */
public final class InvalidRoomIdError extends RealtimeError {
    public InvalidRoomIdError(String roomId) {
        this(roomId, null);
    }

    public InvalidRoomIdError(String roomId, String correlationId) {
        super(
                ErrorCode.INVALID_ROOM_ID,
                "room id must be 1.." + RoomIds.MAX_LENGTH + " characters of A-Z a-z 0-9 . _ : -",
                Map.of("roomId", abbreviate(roomId)),
                correlationId,
                null);
    }

    private static String abbreviate(String roomId) {
        return roomId.length() <= 64 ? roomId : roomId.substring(0, 64) + "...";
    }
}
