package org.civicpress.realtime.errors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Base of every typed error of the realtime module. Carries a stable machine code, the HTTP status
 * and WebSocket close code to answer with, a correlation id (to find the log line from a client report)
 * and a details map. Details must not contain secrets: they are sent to clients.
 */
public class RealtimeError extends RuntimeException {
    private final String code;
    private final int httpStatus;
    private final CloseCodes closeCode;
    private final String correlationId;
    private final Map<String, Object> details;

    public RealtimeError(String message) {
        this(ErrorCode.REALTIME_ERROR, message, null, null, null);
    }

    public RealtimeError(String message, Throwable cause) {
        this(ErrorCode.REALTIME_ERROR, message, null, null, cause);
    }

    public RealtimeError(String message, Map<String, ?> details, String correlationId, Throwable cause) {
        this(ErrorCode.REALTIME_ERROR, message, details, correlationId, cause);
    }

    /** An error with one of the codes of the {@link ErrorCode} table (status and close code from there). */
    protected RealtimeError(
            ErrorCode code, String message, Map<String, ?> details, String correlationId, Throwable cause) {
        this(code.name(), code.httpStatus(), code.closeCode(), message, details, correlationId, cause);
    }

    protected RealtimeError(
            String code,
            int httpStatus,
            CloseCodes closeCode,
            String message,
            Map<String, ?> details,
            String correlationId,
            Throwable cause) {
        super(message, cause);
        this.code = code;
        this.httpStatus = httpStatus;
        this.closeCode = closeCode;
        this.correlationId = correlationId == null || correlationId.isBlank()
                ? UUID.randomUUID().toString()
                : correlationId;
        this.details = details == null || details.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public CloseCodes closeCode() {
        return closeCode;
    }

    /** Numeric WebSocket close code, e.g. 4400. */
    public int wsCloseCode() {
        return closeCode.code();
    }

    public String correlationId() {
        return correlationId;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** "CODE: message", cut to what a close frame carries ({@link CloseReasons#truncate}). */
    public String closeReason() {
        return CloseReasons.truncate(code + ": " + getMessage());
    }

    /** {@code {"error":{"code":..,"message":..,"correlationId":..,"details":{..}}}}. */
    public String toJson() {
        return toJson(correlationId);
    }

    /**
     * The same body with the id of the request being answered: an error created deeper down without the
     * request's id (e.g. by a service) is still reported under the id the client sent or was given.
     */
    public String toJson(String requestCorrelationId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", getMessage());
        body.put("correlationId", requestCorrelationId == null ? correlationId : requestCorrelationId);
        body.put("details", details);
        return JsonWriter.write(Map.of("error", body));
    }

    /** Wraps any throwable as a RealtimeError, keeping typed ones as they are. */
    public static RealtimeError wrap(Throwable t) {
        return wrap(t, null);
    }

    /**
     * As {@link #wrap(Throwable)}, with this correlation id on the wrapper. The wrapper says only
     * "Internal error": the cause's message may hold internals and stays in the log.
     */
    public static RealtimeError wrap(Throwable t, String correlationId) {
        if (t instanceof RealtimeError re) return re;
        return new RealtimeError("Internal error", null, correlationId, t);
    }
}
