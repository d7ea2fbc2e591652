package org.civicpress.realtime.room;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.civicpress.realtime.protocol.AwarenessProtocol.Entry;

/**
 * The server's view of a room's awareness (y-protocols Awareness without a local state): latest
 * state per awareness clientID, its clock and when it was last renewed, and which connection
 * announced which clientIDs (so they can be removed when that connection leaves).
 * Mutable, owned by one room actor.
 */
final class RoomAwareness {
    private record Meta(long clock, long lastSeenNanos) {}

    private final Map<Long, String> states = new LinkedHashMap<>();
    private final Map<Long, Meta> meta = new HashMap<>();
    private final Map<String, Set<Long>> byConnection = new HashMap<>();

    /**
     * Null when {@code connectionId} may announce {@code entries}; else why not: a state larger than
     * {@code maxAwarenessBytes} (its JSON text, UTF-8), or more client ids for this connection than
     * {@code maxAwarenessClients}. Checked before {@link #apply}, so a refused message changes nothing.
     */
    String refusal(String connectionId, List<Entry> entries, RoomSettings.Limits limits) {
        Set<Long> controlled = byConnection.getOrDefault(connectionId, Set.of());
        Set<Long> added = new HashSet<>();
        for (Entry e : entries) {
            String json = e.stateJson();
            // chars * 3 bounds the UTF-8 length: encode only states that may be too large.
            if ((long) json.length() * 3 > limits.maxAwarenessBytes()) {
                int bytes = json.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > limits.maxAwarenessBytes()) {
                    return "awareness state size limit: " + bytes + " bytes, over websocket.max_awareness_bytes="
                            + limits.maxAwarenessBytes();
                }
            }
            // Only states this message would set count: y-websocket clients echo every awareness change they
            // receive (other clients' states, same clock), which the room ignores.
            if (!e.isRemoval() && !controlled.contains(e.clientId()) && applies(e)) added.add(e.clientId());
        }
        if (controlled.size() + added.size() > limits.maxAwarenessClients()) {
            return "awareness clients limit: " + (controlled.size() + added.size())
                    + " client ids on one connection, over websocket.max_awareness_clients="
                    + limits.maxAwarenessClients();
        }
        return null;
    }

    /** Applies an update from {@code connectionId} with y-protocols' clock rules. */
    void apply(String connectionId, List<Entry> entries, long nowNanos) {
        Set<Long> controlled = byConnection.computeIfAbsent(connectionId, k -> new LinkedHashSet<>());
        for (Entry e : entries) {
            if (!applies(e)) continue;
            if (e.isRemoval()) {
                states.remove(e.clientId());
                controlled.remove(e.clientId());
            } else {
                states.put(e.clientId(), e.stateJson());
                controlled.add(e.clientId());
            }
            meta.put(e.clientId(), new Meta(e.clock(), nowNanos));
        }
    }

    /** y-protocols' clock rule: a newer clock, or a removal at the current clock of a live state. */
    private boolean applies(Entry e) {
        Meta m = meta.get(e.clientId());
        long currentClock = m == null ? 0 : m.clock();
        boolean newer = currentClock < e.clock();
        boolean removalAtSameClock = currentClock == e.clock() && e.isRemoval() && states.containsKey(e.clientId());
        return newer || removalAtSameClock;
    }

    /** Removes every state announced by {@code connectionId}; returns the null-state entries to broadcast. */
    List<Entry> removeConnection(String connectionId, long nowNanos) {
        Set<Long> controlled = byConnection.remove(connectionId);
        if (controlled == null) return List.of();
        List<Entry> removed = new ArrayList<>();
        for (Long clientId : controlled) {
            Entry e = remove(clientId, nowNanos);
            if (e != null) removed.add(e);
        }
        return removed;
    }

    /** Removes states not renewed for {@code timeoutNanos}; returns the null-state entries to broadcast. */
    List<Entry> expire(long nowNanos, long timeoutNanos) {
        List<Long> outdated = new ArrayList<>();
        for (Long clientId : states.keySet()) {
            Meta m = meta.get(clientId);
            if (m != null && nowNanos - m.lastSeenNanos() >= timeoutNanos) outdated.add(clientId);
        }
        List<Entry> removed = new ArrayList<>(outdated.size());
        for (Long clientId : outdated) {
            removed.add(remove(clientId, nowNanos));
            byConnection.values().forEach(s -> s.remove(clientId));
        }
        return removed;
    }

    /** Every live (non-null) state with its clock, as a newly joined client must receive them. */
    List<Entry> knownStates() {
        List<Entry> out = new ArrayList<>(states.size());
        states.forEach((clientId, json) ->
                out.add(new Entry(clientId, meta.get(clientId).clock(), json)));
        return out;
    }

    boolean isEmpty() {
        return states.isEmpty();
    }

    /** Like removeAwarenessStates: clock + 1, state null. */
    private Entry remove(long clientId, long nowNanos) {
        if (states.remove(clientId) == null) return null;
        long clock = meta.get(clientId).clock() + 1;
        meta.put(clientId, new Meta(clock, nowNanos));
        return new Entry(clientId, clock, "null");
    }
}
