package org.civicpress.realtime.errors;

import java.util.Map;

/**
 * A request the HTTP layer refuses before any room is involved: unknown path (404 {@code NOT_FOUND}), wrong
 * method (405 {@code METHOD_NOT_ALLOWED}), malformed request (400 {@code BAD_REQUEST}), not ready yet
 * (503 {@code SERVICE_UNAVAILABLE}), ... The code comes from {@link ErrorCode#forStatus}; the status is
 * kept as given even when the table has no code of its own for it.
 */
public final class HttpRequestError extends RealtimeError {
    public HttpRequestError(int httpStatus, String message, Map<String, ?> details, String correlationId) {
        super(
                ErrorCode.forStatus(httpStatus).name(),
                httpStatus,
                ErrorCode.forStatus(httpStatus).closeCode(),
                message,
                details,
                correlationId,
                null);
    }

    public HttpRequestError(ErrorCode code, String message, Map<String, ?> details, String correlationId) {
        super(code, message, details, correlationId, null);
    }
}
