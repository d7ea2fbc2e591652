package org.civicpress.realtime.hooks;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One lifecycle event of the realtime module (room created, client connected, snapshot saved...).
 *
 * <p>{@code id} is unique per event (a fresh UUID when null): it is the webhook body's {@code id} and
 * {@code X-Realtime-Event-Id}, stable across retries and restarts, so receivers deduplicate on it.
 * {@code correlationId} is the correlation id of the WebSocket connection the event is about (the
 * upgrade request's {@code X-Correlation-Id} / {@code X-Request-Id}, or the id the server gave it), so a
 * webhook can be matched with that connection's log lines; null (absent from the JSON) when the event is
 * not caused by one connection. The two are never the same thing: one connection causes many events.
 * Nullable fields are absent from the webhook JSON. {@code data} is copied and immutable.
 */
public record HookEvent(
        String id,
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
        if (id == null || id.isBlank()) id = UUID.randomUUID().toString();
        if (timestamp == null) timestamp = Instant.now();
        if (correlationId != null && correlationId.isBlank()) correlationId = null;
        // Map.copyOf rejects null values; callers sometimes have optional values, so drop them.
        data = data == null ? Map.of() : copyWithoutNulls(data);
    }

    /** A new event with a fresh id. */
    public HookEvent(
            String event,
            Instant timestamp,
            String roomId,
            String roomType,
            String node,
            String clientId,
            String userId,
            String correlationId,
            Map<String, Object> data) {
        this(null, event, timestamp, roomId, roomType, node, clientId, userId, correlationId, data);
    }

    /** Shorthand for room-level events (no client, no correlation id). */
    public static HookEvent ofRoom(String event, String roomId, String node, Map<String, Object> data) {
        return new HookEvent(event, Instant.now(), roomId, "document", node, null, null, null, data);
    }

    /** Shorthand for client-level events; {@code correlationId}: the connection's, null when unknown. */
    public static HookEvent ofClient(
            String event,
            String roomId,
            String node,
            String clientId,
            String userId,
            String correlationId,
            Map<String, Object> data) {
        return new HookEvent(event, Instant.now(), roomId, "document", node, clientId, userId, correlationId, data);
    }

    private static Map<String, Object> copyWithoutNulls(Map<String, Object> in) {
        var out = new java.util.LinkedHashMap<String, Object>();
        in.forEach((k, v) -> {
            if (k != null && v != null) out.put(k, v);
        });
        return java.util.Collections.unmodifiableMap(out);
    }
}
