package org.civicpress.realtime.errors;

/**
 * The one table of the error codes clients see: each code with its HTTP status and WebSocket close code.
 * The typed errors ({@link InvalidYjsUpdateError}, {@link AuthenticationFailedError}, ...) take their status
 * and close code from here, and the HTTP layer maps a bare HTTP status (unknown path, wrong method, malformed
 * request) to its generic code with {@link #forStatus}, so a client can rely on {@code error.code} alone.
 *
 * <p>Codes are part of the public interface (clients switch on them): add codes, never rename one.
 */
public enum ErrorCode {
    // Typed domain errors (one class each).
    INVALID_YJS_UPDATE(400, CloseCodes.INVALID_MESSAGE, false),
    INVALID_ROOM_ID(400, CloseCodes.INVALID_MESSAGE, false),
    WEBSOCKET_UPGRADE_REQUIRED(400, CloseCodes.INVALID_MESSAGE, false),
    // These three are also the generic codes of their statuses (any 401 / 403 / 429 means the same).
    AUTHENTICATION_FAILED(401, CloseCodes.AUTHENTICATION_FAILED, true),
    PERMISSION_DENIED(403, CloseCodes.PERMISSION_DENIED, true),
    CONNECTION_LIMIT_EXCEEDED(429, CloseCodes.RATE_LIMITED, true),
    ROOM_NOT_FOUND(404, CloseCodes.ROOM_NOT_FOUND, false),
    /** A history request for a point whose events are no longer kept (history.retain_events, docs/history.md). */
    HISTORY_NOT_RETAINED(410, CloseCodes.INVALID_MESSAGE, false),
    /** Any other failure inside the server (the body says no more than "Internal error"). */
    REALTIME_ERROR(500, CloseCodes.INTERNAL_ERROR, true),

    // Generic codes of plain HTTP statuses (request-level problems found before any room is involved).
    BAD_REQUEST(400, CloseCodes.INVALID_MESSAGE, true),
    NOT_FOUND(404, CloseCodes.ROOM_NOT_FOUND, true),
    METHOD_NOT_ALLOWED(405, CloseCodes.INVALID_MESSAGE, true),
    NOT_ACCEPTABLE(406, CloseCodes.INVALID_MESSAGE, true),
    REQUEST_TIMEOUT(408, CloseCodes.INVALID_MESSAGE, true),
    GONE(410, CloseCodes.INVALID_MESSAGE, true),
    PAYLOAD_TOO_LARGE(413, CloseCodes.MESSAGE_TOO_BIG, true),
    URI_TOO_LONG(414, CloseCodes.INVALID_MESSAGE, true),
    UNSUPPORTED_MEDIA_TYPE(415, CloseCodes.INVALID_MESSAGE, true),
    HEADERS_TOO_LARGE(431, CloseCodes.INVALID_MESSAGE, true),
    NOT_IMPLEMENTED(501, CloseCodes.INTERNAL_ERROR, true),
    /** Starting up or shutting down: retry (on another node). */
    SERVICE_UNAVAILABLE(503, CloseCodes.SERVICE_RESTART, true),
    HTTP_VERSION_NOT_SUPPORTED(505, CloseCodes.INTERNAL_ERROR, true);

    private final int httpStatus;
    private final CloseCodes closeCode;
    private final boolean generic;

    ErrorCode(int httpStatus, CloseCodes closeCode, boolean generic) {
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
        this.generic = generic;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public CloseCodes closeCode() {
        return closeCode;
    }

    /**
     * The generic code of an HTTP status: {@link #NOT_FOUND} for 404, ...; any other 4xx is
     * {@link #BAD_REQUEST}, any other status {@link #REALTIME_ERROR} (the body's status stays the real one).
     */
    public static ErrorCode forStatus(int status) {
        for (ErrorCode c : values()) {
            if (c.generic && c.httpStatus == status) return c;
        }
        return status >= 400 && status < 500 ? BAD_REQUEST : REALTIME_ERROR;
    }
}
