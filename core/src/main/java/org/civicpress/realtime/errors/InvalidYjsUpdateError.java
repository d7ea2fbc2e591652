package org.civicpress.realtime.errors;

import java.util.Map;

/** A client sent a malformed y-protocols message or Yjs update (HTTP 400, close 4400); the room state is unchanged. */
public class InvalidYjsUpdateError extends RealtimeError {
    public static final String CODE = "INVALID_YJS_UPDATE";

    public InvalidYjsUpdateError(String message) {
        this(message, null, null, null);
    }

    public InvalidYjsUpdateError(String message, Map<String, ?> details) {
        this(message, details, null, null);
    }

    public InvalidYjsUpdateError(String message, Map<String, ?> details, String correlationId, Throwable cause) {
        super(ErrorCode.INVALID_YJS_UPDATE, message, details, correlationId, cause);
    }
}
