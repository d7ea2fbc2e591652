package org.civicpress.realtime.errors;

import java.util.Map;

/** The client could not be authenticated (HTTP 401, close 4401). */
public class AuthenticationFailedError extends RealtimeError {
    public static final String CODE = "AUTHENTICATION_FAILED";

    public AuthenticationFailedError(String message) {
        this(message, null, null, null);
    }

    public AuthenticationFailedError(String message, Map<String, ?> details) {
        this(message, details, null, null);
    }

    public AuthenticationFailedError(String message, Map<String, ?> details, String correlationId, Throwable cause) {
        super(ErrorCode.AUTHENTICATION_FAILED, message, details, correlationId, cause);
    }
}
