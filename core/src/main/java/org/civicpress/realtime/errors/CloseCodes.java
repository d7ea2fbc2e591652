package org.civicpress.realtime.errors;

/**
 * WebSocket close codes the realtime server sends. 1xxx are RFC 6455 codes; 4xxx mirror the HTTP status
 * of the matching {@link RealtimeError} (4000 + status) so clients can map them without a table.
 */
public enum CloseCodes {
    NORMAL(1000, "normal closure"),
    GOING_AWAY(1001, "server going away"),
    /** RFC 6455 framing broken by the client: unmasked frame, reserved bits, bad fragmentation or control frame. */
    PROTOCOL_ERROR(1002, "protocol error"),
    MESSAGE_TOO_BIG(1009, "message too big"),
    SERVICE_RESTART(1012, "service restart, reconnect"),
    /** RFC 6455 "Try Again Later": the client did not read its messages fast enough. */
    TOO_SLOW(1013, "client too slow, reconnect"),
    INVALID_MESSAGE(4400, "invalid message or Yjs update"),
    AUTHENTICATION_FAILED(4401, "authentication failed"),
    PERMISSION_DENIED(4403, "permission denied"),
    ROOM_NOT_FOUND(4404, "room not found"),
    RATE_LIMITED(4429, "connection or message limit exceeded"),
    INTERNAL_ERROR(4500, "internal server error");

    private final int code;
    private final String meaning;

    CloseCodes(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The constant for a numeric code, or null when the code is not one of ours. */
    public static CloseCodes fromCode(int code) {
        for (CloseCodes c : values()) if (c.code == code) return c;
        return null;
    }
}
