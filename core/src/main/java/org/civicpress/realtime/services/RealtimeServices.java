package org.civicpress.realtime.services;

import java.util.List;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.config.RealtimeConfigManager;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.hooks.RetryPolicy;
import org.civicpress.realtime.hooks.WebhookDispatcher;
import org.civicpress.realtime.hooks.WebhookTarget;
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
        c.register(ServiceKeys.CONFIG, RealtimeConfig.class, x -> x.resolve(
                        ServiceKeys.CONFIG_MANAGER, RealtimeConfigManager.class)
                .config());
        // The hook system resolves the dispatcher, so the dispatcher is created first and, the container
        // closing in reverse creation order, closed last: the hook system drains before the outbox closes.
        c.register(
                ServiceKeys.HOOKS,
                HookSystem.class,
                x -> config(x).webhooks().isEmpty()
                        ? HookSystem.inProcess()
                        : HookSystem.inProcess(x.resolve(ServiceKeys.WEBHOOKS, WebhookDispatcher.class)));
        c.register(ServiceKeys.METRICS, RealtimeMetrics.class, x -> new RealtimeMetrics());
        c.register(ServiceKeys.CACHE, CacheService.class, x -> new InMemoryCacheService());
        c.register(ServiceKeys.AUTH, AuthService.class, x -> {
            RealtimeConfig.Auth auth = config(x).auth();
            return DefaultAuthService.create(
                    auth, x.resolve(ServiceKeys.CACHE, CacheService.class), java.time.Clock.systemUTC());
        });
        c.register(ServiceKeys.WEBHOOKS, WebhookDispatcher.class, x -> {
            RealtimeConfig cfg = config(x);
            return new WebhookDispatcher(
                    targets(cfg),
                    cfg.outboxDir(),
                    RetryPolicy.DEFAULT,
                    x.resolve(ServiceKeys.METRICS, RealtimeMetrics.class).webhookObserver());
        });
    }

    /** The hooks package's own settings record for each configured {@code webhooks[]} entry. */
    static List<WebhookTarget> targets(RealtimeConfig config) {
        return config.webhooks().stream()
                .map(w -> new WebhookTarget(w.url(), w.secret(), w.events(), w.maxAttempts(), w.timeout()))
                .toList();
    }

    /**
     * Same as above, plus the server and room manager factories of the hosting modules. A null factory
     * registers nothing under its key (resolving it then fails with "no service registered").
     */
    public static void registerRealtimeServices(
            ServiceContainer c,
            RealtimeConfigManager configManager,
            ServiceFactory<?> server,
            ServiceFactory<?> roomManager) {
        registerRealtimeServices(c, configManager);
        register(c, ServiceKeys.SERVER, server);
        register(c, ServiceKeys.ROOM_MANAGER, roomManager);
    }

    /** For a configuration loaded elsewhere (tests, embedding). */
    public static void registerRealtimeServices(ServiceContainer c, RealtimeConfig config) {
        registerRealtimeServices(c, RealtimeConfigManager.fixed(config));
    }

    /**
     * Creates the services that must run from the start even if nobody asks for them: the hook system and,
     * when webhooks are configured, its webhook dispatcher (redelivers the outbox of the previous run).
     */
    public static void startBackgroundServices(ServiceContainer c) {
        c.resolve(ServiceKeys.HOOKS, HookSystem.class);
    }

    private static <T> void register(ServiceContainer c, String key, ServiceFactory<T> f) {
        if (f == null) return;
        c.register(key, f.type(), f.create());
    }

    private static RealtimeConfig config(ServiceContainer c) {
        return c.resolve(ServiceKeys.CONFIG, RealtimeConfig.class);
    }
}
