package org.civicpress.realtime.room;

/** The fixed label set of {@code realtime_messages_rejected_total{reason=...}} used by rooms. */
public final class RejectReason {
    private RejectReason() {}

    /** The Yjs engine refused an update or a state vector. */
    public static final String INVALID_UPDATE = "invalid_update";
    /** Not a y-websocket message (unknown type, malformed frame). */
    public static final String PROTOCOL_ERROR = "protocol_error";
    /** Larger than websocket.max_message_bytes (counted by the http layer). */
    public static final String TOO_BIG = "too_big";
    /** Over a rate limit (counted by the http layer). */
    public static final String RATE_LIMITED = "rate_limited";
    /** A join refused because the node already runs rooms.max_rooms rooms. */
    public static final String ROOM_LIMIT = "room_limit";
    /** Over a room-side limit: document size, pending bytes, awareness state size or clients per connection. */
    public static final String OVER_LIMIT = "over_limit";
    /** A room type refused a client update (e.g. a read-only room). */
    public static final String FORBIDDEN = "forbidden";
    /** A read-only connection (token grant "read") sent a message that would change the document. */
    public static final String READ_ONLY = "read_only";
}
