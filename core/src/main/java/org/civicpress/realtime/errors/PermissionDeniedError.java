package org.civicpress.realtime.errors;

import java.util.Map;

/** The authenticated client may not access this room or action (HTTP 403, close 4403). */
public class PermissionDeniedError extends RealtimeError {
    public static final String CODE = "PERMISSION_DENIED";

    public PermissionDeniedError(String message) {
        this(message, null, null, null);
    }

    public PermissionDeniedError(String message, Map<String, ?> details) {
        this(message, details, null, null);
    }

    public PermissionDeniedError(String message, Map<String, ?> details, String correlationId, Throwable cause) {
        super(ErrorCode.PERMISSION_DENIED, message, details, correlationId, cause);
    }
}
