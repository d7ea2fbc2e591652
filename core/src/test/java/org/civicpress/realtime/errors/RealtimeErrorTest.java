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
        RealtimeError e = new ConnectionLimitExceededError("Too many connections\nfrom 1.2.3.4", details, "corr-1", null);
        assertEquals("{\"error\":{\"code\":\"CONNECTION_LIMIT_EXCEEDED\",\"message\":\"Too many connections\\nfrom 1.2.3.4\","
                + "\"correlationId\":\"corr-1\",\"details\":{\"roomId\":\"doc \\\"1\\\"\",\"limit\":10}}}", e.toJson());
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
    void closeCodesTable() {
        assertEquals(1009, CloseCodes.MESSAGE_TOO_BIG.code());
        assertEquals(1012, CloseCodes.SERVICE_RESTART.code());
        assertEquals(4500, CloseCodes.INTERNAL_ERROR.code());
        assertSame(CloseCodes.RATE_LIMITED, CloseCodes.fromCode(4429));
        assertNull(CloseCodes.fromCode(4999));
    }

    @Test
    void jsonWriterEscapesControlCharacters() {
        assertEquals("[\"a\\u0001\",null,true,1.5,null]",
                JsonWriter.write(java.util.Arrays.asList("a\u0001", null, true, 1.5, Double.NaN)));
    }
}
