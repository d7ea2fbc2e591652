package org.civicpress.realtime.errors;

import java.util.Map;

/** The requested room does not exist (HTTP 404, close 4404). */
public class RoomNotFoundError extends RealtimeError {
    public static final String CODE = "ROOM_NOT_FOUND";

    public RoomNotFoundError(String message) {
        this(message, null, null, null);
    }

    public RoomNotFoundError(String message, Map<String, ?> details) {
        this(message, details, null, null);
    }

    public RoomNotFoundError(String message, Map<String, ?> details, String correlationId, Throwable cause) {
        super(ErrorCode.ROOM_NOT_FOUND, message, details, correlationId, cause);
    }
}
