package org.civicpress.realtime.hooks;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One lifecycle event of the realtime module (room created, client connected, snapshot saved...).
 * Nullable fields are simply absent from the webhook JSON. {@code data} is copied and immutable.
 */
public record HookEvent(
        String event,
        Instant timestamp,
        String roomId,
        String roomType,
        String node,
        String clientId,
        String userId,
        String correlationId,
        Map<String, Object> data) {

    public HookEvent {
        Objects.requireNonNull(event, "event");
        if (timestamp == null) timestamp = Instant.now();
        if (correlationId == null || correlationId.isBlank()) correlationId = UUID.randomUUID().toString();
        // Map.copyOf rejects null values; callers sometimes have optional values, so drop them.
        data = data == null ? Map.of() : copyWithoutNulls(data);
    }

    /** Shorthand for room-level events (no client). */
    public static HookEvent ofRoom(String event, String roomId, String node, Map<String, Object> data) {
        return new HookEvent(event, Instant.now(), roomId, "document", node, null, null, null, data);
    }

    /** Shorthand for client-level events. */
    public static HookEvent ofClient(String event, String roomId, String node, String clientId, String userId,
                                     Map<String, Object> data) {
        return new HookEvent(event, Instant.now(), roomId, "document", node, clientId, userId, null, data);
    }

    private static Map<String, Object> copyWithoutNulls(Map<String, Object> in) {
        var out = new java.util.LinkedHashMap<String, Object>();
        in.forEach((k, v) -> { if (k != null && v != null) out.put(k, v); });
        return java.util.Collections.unmodifiableMap(out);
    }
}
