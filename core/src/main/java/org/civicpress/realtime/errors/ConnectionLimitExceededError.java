package org.civicpress.realtime.errors;

import java.util.Map;

/** Too many connections or messages for this IP, user or node (HTTP 429, close 4429). */
public class ConnectionLimitExceededError extends RealtimeError {
    public static final String CODE = "CONNECTION_LIMIT_EXCEEDED";

    public ConnectionLimitExceededError(String message) {
        this(message, null, null, null);
    }

    public ConnectionLimitExceededError(String message, Map<String, ?> details) {
        this(message, details, null, null);
    }

    public ConnectionLimitExceededError(String message, Map<String, ?> details, String correlationId, Throwable cause) {
        super(ErrorCode.CONNECTION_LIMIT_EXCEEDED, message, details, correlationId, cause);
    }
}
