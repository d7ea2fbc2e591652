package org.civicpress.realtime.services;

/** Keys under which {@link RealtimeServices} registers the module's services. */
public final class ServiceKeys {
    public static final String CONFIG_MANAGER = "realtimeConfigManager";
    public static final String CONFIG = "realtimeConfig";
    public static final String SERVER = "realtimeServer";
    public static final String ROOM_MANAGER = "realtimeRoomManager";
    public static final String HOOKS = "hookSystem";
    public static final String AUTH = "authService";
    public static final String CACHE = "cacheService";
    public static final String METRICS = "realtimeMetrics";
    public static final String WEBHOOKS = "webhookDispatcher";

    private ServiceKeys() {}
}
