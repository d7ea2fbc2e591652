package org.civicpress.realtime.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.config.RealtimeConfigManager;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.errors.AuthenticationFailedError;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.hooks.WebhookDispatcher;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealtimeServicesTest {
    @TempDir
    Path dir;

    record FakeServer(RealtimeConfig config) {}

    @Test
    void registersTheDocumentedKeys() {
        try (ServiceContainer c = new ServiceContainer()) {
            RealtimeServices.registerRealtimeServices(c, new RealtimeConfigManager(dir, Map.of("REALTIME_PORT", "4100")),
                    new ServiceFactory<>(FakeServer.class,
                            x -> new FakeServer(x.resolve(ServiceKeys.CONFIG, RealtimeConfig.class))),
                    new ServiceFactory<>(String.class, x -> "room-manager"));
            for (String key : List.of("realtimeConfigManager", "realtimeServer", "realtimeRoomManager")) {
                assertTrue(c.has(key), key);
            }
            assertEquals(4100, c.resolve(ServiceKeys.SERVER, FakeServer.class).config().port());
            assertEquals("room-manager", c.resolve(ServiceKeys.ROOM_MANAGER, String.class));
            HookSystem hooks = c.resolve(ServiceKeys.HOOKS, HookSystem.class);
            assertSame(hooks, c.resolve(ServiceKeys.HOOKS, HookSystem.class));
            c.resolve(ServiceKeys.LOGGER, RealtimeLogger.class).info("services test {}", "ok");
            assertTrue(c.resolve(ServiceKeys.METRICS, RealtimeMetrics.class).scrape().contains("realtime_rooms_active"));
            AuthService auth = c.resolve(ServiceKeys.AUTH, AuthService.class);
            assertTrue(auth.authenticate(null, "c1").toCompletableFuture().join()
                    .authenticatedPrincipal().orElseThrow().anonymous());
            // database.url is not set: the optional database service explains why it is missing.
            ServiceContainerError e = assertThrows(ServiceContainerError.class,
                    () -> c.resolve(ServiceKeys.DATABASE, DatabaseService.class));
            assertTrue(e.getMessage().contains("database.url is not configured"), e.getMessage());
        }
    }

    @Test
    void serverIsNotRegisteredWithoutTheHttpModule() {
        ServiceContainer c = new ServiceContainer();
        RealtimeServices.registerRealtimeServices(c, RealtimeConfig.defaults(dir));
        ServiceContainerError.NotFound e = assertThrows(ServiceContainerError.NotFound.class,
                () -> c.resolve(ServiceKeys.SERVER, Object.class));
        assertTrue(e.getMessage().contains("realtimeServer"));
        RealtimeServices.startBackgroundServices(c); // no webhooks: nothing started
        c.close();
    }

    @Test
    void webhookDispatcherIsStartedWhenWebhooksAreConfigured() {
        RealtimeConfig base = RealtimeConfig.defaults(dir);
        RealtimeConfig withHook = new RealtimeConfig(base.enabled(), base.port(), base.host(), base.path(), dir,
                base.rooms(), base.snapshots(), base.rateLimiting(), base.auth(),
                List.of(new RealtimeConfig.Webhook("http://127.0.0.1:9/x", "s", java.util.Set.of(), 1,
                        Duration.ofSeconds(1))),
                base.database(), base.cluster(), base.websocket());
        ServiceContainer c = new ServiceContainer();
        RealtimeServices.registerRealtimeServices(c, withHook);
        RealtimeServices.startBackgroundServices(c);
        WebhookDispatcher d = c.resolve(ServiceKeys.WEBHOOKS, WebhookDispatcher.class);
        assertEquals(0, d.pendingCount());
        c.close();
    }

    @Test
    void defaultAuthServiceRules() {
        var config = new RealtimeConfig.Auth(false, "svc-token", Duration.ofSeconds(60));
        org.civicpress.realtime.auth.TokenVerifier verifier = token -> java.util.concurrent.CompletableFuture
                .completedFuture("good".equals(token)
                        ? new AuthOutcome.Authenticated(org.civicpress.realtime.auth.Principal.fromClaims(
                                Map.of("sub", "alice"), null))
                        : AuthOutcome.invalid(AuthOutcome.Failure.REJECTED, "rejected"));
        DefaultAuthService auth = new DefaultAuthService(config, null, verifier, java.time.Clock.systemUTC());
        AuthOutcome missing = auth.authenticate(null, "c").toCompletableFuture().join();
        assertEquals(new AuthOutcome.MissingToken(), missing);
        assertTrue(missing.error().orElseThrow() instanceof AuthenticationFailedError);
        assertTrue(auth.authenticate("svc-token", "c").toCompletableFuture().join()
                .authenticatedPrincipal().orElseThrow().service());
        assertEquals("alice", auth.authenticate("good", "c").toCompletableFuture().join()
                .authenticatedPrincipal().orElseThrow().userId());
        AuthOutcome bad = auth.authenticate("bad", "c").toCompletableFuture().join();
        AuthenticationFailedError e = (AuthenticationFailedError) bad.error().orElseThrow();
        assertEquals(4401, e.wsCloseCode());
        assertFalse(e.getMessage().contains("bad"));
    }

    @Test
    void inMemoryCacheExpiresAndEvicts() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(0);
        java.time.Clock clock = new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId z) { return this; }
            @Override public java.time.Instant instant() { return java.time.Instant.ofEpochMilli(now.get()); }
        };
        InMemoryCacheService cache = new InMemoryCacheService(2, clock);
        cache.put("a", "A", Duration.ofSeconds(10));
        cache.put("b", "B", Duration.ofSeconds(20));
        assertEquals("A", cache.get("a", String.class).orElseThrow());
        assertTrue(cache.get("a", Integer.class).isEmpty());
        cache.put("c", "C", Duration.ofSeconds(30)); // full: the entry closest to expiry (a) goes
        assertTrue(cache.get("a", String.class).isEmpty());
        assertEquals(2, cache.size());
        now.set(25_000);
        assertTrue(cache.get("b", String.class).isEmpty());
        assertEquals("C", cache.get("c", String.class).orElseThrow());
    }
}
