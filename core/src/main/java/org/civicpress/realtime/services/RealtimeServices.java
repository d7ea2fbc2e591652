package org.civicpress.realtime.services;

import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.config.RealtimeConfigManager;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.hooks.RetryPolicy;
import org.civicpress.realtime.hooks.WebhookDispatcher;
import org.civicpress.realtime.metrics.RealtimeMetrics;

/**
 * Registers the realtime module's services in a {@link ServiceContainer}. The server and the room
 * manager live in other modules (http, core room sharding), so their factories are passed in;
 * without them, resolving {@link ServiceKeys#SERVER} fails with a clear "not registered" error.
 */
public final class RealtimeServices {
    private RealtimeServices() {}

    public static void registerRealtimeServices(ServiceContainer c, RealtimeConfigManager configManager) {
        c.registerInstance(ServiceKeys.CONFIG_MANAGER, RealtimeConfigManager.class, configManager);
        c.register(ServiceKeys.CONFIG, RealtimeConfig.class,
                x -> x.resolve(ServiceKeys.CONFIG_MANAGER, RealtimeConfigManager.class).config());
        c.register(ServiceKeys.LOGGER, RealtimeLogger.class, x -> RealtimeLogger.slf4j("org.civicpress.realtime"));
        c.register(ServiceKeys.HOOKS, HookSystem.class, x -> HookSystem.inProcess());
        c.register(ServiceKeys.METRICS, RealtimeMetrics.class, x -> new RealtimeMetrics());
        c.register(ServiceKeys.CACHE, CacheService.class, x -> new InMemoryCacheService());
        c.register(ServiceKeys.AUTH, AuthService.class, x -> new DefaultAuthService(config(x).auth()));
        c.register(ServiceKeys.DATABASE, DatabaseService.class, x -> {
            RealtimeConfig.Database db = config(x).database();
            if (db.url() == null) {
                throw new IllegalStateException("database.url is not configured (the journal uses the derived H2 default)");
            }
            return DatabaseService.driverManager(db);
        });
        c.register(ServiceKeys.WEBHOOKS, WebhookDispatcher.class, x -> {
            RealtimeConfig cfg = config(x);
            WebhookDispatcher d = new WebhookDispatcher(cfg.webhooks(), cfg.outboxDir(), RetryPolicy.DEFAULT,
                    x.resolve(ServiceKeys.METRICS, RealtimeMetrics.class).webhookObserver());
            d.attach(x.resolve(ServiceKeys.HOOKS, HookSystem.class));
            return d;
        });
    }

    /**
     * Same as above, plus the server and room manager factories of the hosting modules. A null factory
     * registers nothing under its key (resolving it then fails with "no service registered").
     */
    public static void registerRealtimeServices(ServiceContainer c, RealtimeConfigManager configManager,
                                                ServiceFactory<?> server, ServiceFactory<?> roomManager) {
        registerRealtimeServices(c, configManager);
        register(c, ServiceKeys.SERVER, server);
        register(c, ServiceKeys.ROOM_MANAGER, roomManager);
    }

    /** For a configuration loaded elsewhere (tests, embedding). */
    public static void registerRealtimeServices(ServiceContainer c, RealtimeConfig config) {
        registerRealtimeServices(c, RealtimeConfigManager.fixed(config));
    }

    /**
     * Creates the services that must run from the start even if nobody asks for them: the webhook
     * dispatcher (redelivers the outbox and listens to hooks) when webhooks are configured.
     */
    public static void startBackgroundServices(ServiceContainer c) {
        if (!config(c).webhooks().isEmpty()) c.resolve(ServiceKeys.WEBHOOKS, WebhookDispatcher.class);
    }

    private static <T> void register(ServiceContainer c, String key, ServiceFactory<T> f) {
        if (f == null) return;
        c.register(key, f.type(), f.create());
    }

    private static RealtimeConfig config(ServiceContainer c) {
        return c.resolve(ServiceKeys.CONFIG, RealtimeConfig.class);
    }
}
