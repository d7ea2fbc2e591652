package org.civicpress.realtime.hooks;

import java.util.Set;

/** Names of the events the realtime module emits (same strings as the CivicPress hook bus). */
public final class HookEvents {
    public static final String ROOM_CREATED = "realtime:room:created";
    public static final String ROOM_DESTROYED = "realtime:room:destroyed";
    public static final String CLIENT_CONNECTED = "realtime:client:connected";
    public static final String CLIENT_DISCONNECTED = "realtime:client:disconnected";
    public static final String SNAPSHOT_SAVED = "realtime:snapshot:saved";
    /** A Hocuspocus client's stateless message ({@code data.payload}); not journaled. */
    public static final String STATELESS = "realtime:stateless";

    /** Every known event name; webhook configuration is validated against it. */
    public static final Set<String> ALL =
            Set.of(ROOM_CREATED, ROOM_DESTROYED, CLIENT_CONNECTED, CLIENT_DISCONNECTED, SNAPSHOT_SAVED, STATELESS);

    /** Subscribing to this name receives every event. */
    public static final String ANY = "*";

    /** True when a subscription to {@code names} covers {@code event}: an empty set or "*" means every event. */
    public static boolean subscribed(Set<String> names, String event) {
        return names.isEmpty() || names.contains(ANY) || names.contains(event);
    }

    private HookEvents() {}
}
