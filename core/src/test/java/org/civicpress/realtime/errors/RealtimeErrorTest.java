package org.civicpress.realtime.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RealtimeErrorTest {

    private record Expected(RealtimeError error, String code, int status, int close) {}

    @Test
    void everyErrorHasItsCodeStatusAndCloseCode() {
        List<Expected> all = List.of(
                new Expected(new RealtimeError("x"), "REALTIME_ERROR", 500, 4500),
                new Expected(new RoomNotFoundError("x"), "ROOM_NOT_FOUND", 404, 4404),
                new Expected(new ConnectionLimitExceededError("x"), "CONNECTION_LIMIT_EXCEEDED", 429, 4429),
                new Expected(new InvalidYjsUpdateError("x"), "INVALID_YJS_UPDATE", 400, 4400),
                new Expected(new AuthenticationFailedError("x"), "AUTHENTICATION_FAILED", 401, 4401),
                new Expected(new PermissionDeniedError("x"), "PERMISSION_DENIED", 403, 4403));
        for (Expected e : all) {
            assertEquals(e.code(), e.error().code());
            assertEquals(e.status(), e.error().httpStatus());
            assertEquals(e.close(), e.error().wsCloseCode());
            assertNotNull(e.error().correlationId());
            assertTrue(e.error() instanceof RuntimeException);
        }
    }

    @Test
    void toJsonHasTheDocumentedShape() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("roomId", "doc \"1\"");
        details.put("limit", 10);
        RealtimeError e =
                new ConnectionLimitExceededError("Too many connections\nfrom 1.2.3.4", details, "corr-1", null);
        assertEquals(
                "{\"error\":{\"code\":\"CONNECTION_LIMIT_EXCEEDED\",\"message\":\"Too many connections\\nfrom 1.2.3.4\","
                        + "\"correlationId\":\"corr-1\",\"details\":{\"roomId\":\"doc \\\"1\\\"\",\"limit\":10}}}",
                e.toJson());
    }

    @Test
    void correlationIdIsGeneratedWhenAbsentAndUnique() {
        RealtimeError a = new InvalidYjsUpdateError("bad", null, null, null);
        RealtimeError b = new InvalidYjsUpdateError("bad", null, "  ", null);
        assertNotNull(a.correlationId());
        assertTrue(a.correlationId().length() >= 32);
        assertTrue(!a.correlationId().equals(b.correlationId()));
        assertEquals(Map.of(), a.details());
    }

    @Test
    void closeReasonFitsInAWebSocketCloseFrame() {
        RealtimeError e = new InvalidYjsUpdateError("é".repeat(200));
        String reason = e.closeReason();
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123, reason);
        assertTrue(reason.startsWith("INVALID_YJS_UPDATE: "));
        assertEquals("PERMISSION_DENIED: no", new PermissionDeniedError("no").closeReason());
    }

    @Test
    void wrapKeepsTypedErrorsAndHidesOthers() {
        RoomNotFoundError typed = new RoomNotFoundError("gone");
        assertSame(typed, RealtimeError.wrap(typed));
        RealtimeError wrapped = RealtimeError.wrap(new IllegalStateException("secret internals"));
        assertEquals("REALTIME_ERROR", wrapped.code());
        assertEquals("Internal error", wrapped.getMessage());
        assertTrue(wrapped.getCause() instanceof IllegalStateException);
    }

    @Test
    void theErrorCodeTableGivesEveryTypedErrorItsStatusAndEveryHttpStatusAGenericCode() {
        for (RealtimeError e : List.of(
                new RoomNotFoundError("x"),
                new ConnectionLimitExceededError("x"),
                new InvalidYjsUpdateError("x"),
                new AuthenticationFailedError("x"),
                new PermissionDeniedError("x"),
                new HistoryNotRetainedError("x", Map.of()),
                new RealtimeError("x"))) {
            ErrorCode code = ErrorCode.valueOf(e.code());
            assertEquals(code.httpStatus(), e.httpStatus(), e.code());
            assertSame(code.closeCode(), e.closeCode(), e.code());
        }
        assertSame(ErrorCode.NOT_FOUND, ErrorCode.forStatus(404));
        assertSame(ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.forStatus(405));
        assertSame(ErrorCode.AUTHENTICATION_FAILED, ErrorCode.forStatus(401));
        assertSame(ErrorCode.CONNECTION_LIMIT_EXCEEDED, ErrorCode.forStatus(429));
        assertSame(ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.forStatus(503));
        assertSame(ErrorCode.REALTIME_ERROR, ErrorCode.forStatus(500));
        assertSame(ErrorCode.BAD_REQUEST, ErrorCode.forStatus(418), "any other 4xx");
        assertSame(ErrorCode.REALTIME_ERROR, ErrorCode.forStatus(599), "any other status");
        for (ErrorCode code : ErrorCode.values()) {
            assertSame(code, ErrorCode.valueOf(code.name()));
            int generic = ErrorCode.forStatus(code.httpStatus()).httpStatus();
            assertEquals(code.httpStatus(), generic, "every status of the table has a generic code: " + code);
        }
        // A status-only error keeps its status; its code comes from the table.
        HttpRequestError teapot = new HttpRequestError(418, "no", Map.of(), "c-1");
        assertEquals(418, teapot.httpStatus());
        assertEquals("BAD_REQUEST", teapot.code());
        assertEquals("METHOD_NOT_ALLOWED", new HttpRequestError(405, "no", null, null).code());
    }

    @Test
    void theBodyCanCarryTheRequestsCorrelationIdAndWrapTakesOne() {
        RealtimeError e = new PermissionDeniedError("no", null, "own-id", null);
        assertTrue(e.toJson("request-id").contains("\"correlationId\":\"request-id\""), e.toJson("request-id"));
        assertTrue(e.toJson().contains("\"correlationId\":\"own-id\""), e.toJson());
        assertEquals(
                "req-9",
                RealtimeError.wrap(new IllegalStateException("x"), "req-9").correlationId());
    }

    @Test
    void closeCodesTable() {
        assertEquals(1009, CloseCodes.MESSAGE_TOO_BIG.code());
        assertEquals(1012, CloseCodes.SERVICE_RESTART.code());
        assertEquals(4500, CloseCodes.INTERNAL_ERROR.code());
        assertSame(CloseCodes.RATE_LIMITED, CloseCodes.fromCode(4429));
        assertNull(CloseCodes.fromCode(4999));
    }

    @Test
    void jsonWriterEscapesControlCharacters() {
        assertEquals(
                "[\"a\\u0001\",null,true,1.5,null]",
                JsonWriter.write(java.util.Arrays.asList("a\u0001", null, true, 1.5, Double.NaN)));
    }
}
