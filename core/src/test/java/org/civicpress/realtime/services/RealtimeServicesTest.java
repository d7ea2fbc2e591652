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
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.config.RealtimeConfigManager;
import org.civicpress.realtime.errors.AuthenticationFailedError;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.hooks.RetryPolicy;
import org.civicpress.realtime.hooks.WebhookDeliveryObserver;
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
            RealtimeServices.registerRealtimeServices(
                    c,
                    new RealtimeConfigManager(dir, Map.of("REALTIME_PORT", "4100")),
                    new ServiceFactory<>(
                            FakeServer.class, x -> new FakeServer(x.resolve(ServiceKeys.CONFIG, RealtimeConfig.class))),
                    new ServiceFactory<>(String.class, x -> "room-manager"));
            for (String key : List.of("realtimeConfigManager", "realtimeServer", "realtimeRoomManager")) {
                assertTrue(c.has(key), key);
            }
            assertEquals(
                    4100,
                    c.resolve(ServiceKeys.SERVER, FakeServer.class).config().port());
            assertEquals("room-manager", c.resolve(ServiceKeys.ROOM_MANAGER, String.class));
            HookSystem hooks = c.resolve(ServiceKeys.HOOKS, HookSystem.class);
            assertSame(hooks, c.resolve(ServiceKeys.HOOKS, HookSystem.class));
            assertTrue(c.resolve(ServiceKeys.METRICS, RealtimeMetrics.class)
                    .scrape()
                    .contains("realtime_rooms_active"));
            AuthService auth = c.resolve(ServiceKeys.AUTH, AuthService.class);
            assertTrue(auth.authenticate(null, "c1")
                    .toCompletableFuture()
                    .join()
                    .authenticatedPrincipal()
                    .orElseThrow()
                    .anonymous());
        }
    }

    @Test
    void serverIsNotRegisteredWithoutTheHttpModule() {
        ServiceContainer c = new ServiceContainer();
        RealtimeServices.registerRealtimeServices(c, RealtimeConfig.defaults(dir));
        ServiceContainerError.NotFound e =
                assertThrows(ServiceContainerError.NotFound.class, () -> c.resolve(ServiceKeys.SERVER, Object.class));
        assertTrue(e.getMessage().contains("realtimeServer"));
        RealtimeServices.startBackgroundServices(c); // no webhooks: nothing started
        c.close();
    }

    @Test
    void webhookDispatcherIsStartedWhenWebhooksAreConfigured() {
        RealtimeConfig base = RealtimeConfig.defaults(dir);
        RealtimeConfig withHook = new RealtimeConfig(
                base.enabled(),
                base.port(),
                base.host(),
                base.path(),
                dir,
                base.rooms(),
                base.snapshots(),
                base.rateLimiting(),
                base.auth(),
                List.of(new RealtimeConfig.Webhook(
                        "http://127.0.0.1:9/x", "s", java.util.Set.of(), 1, Duration.ofSeconds(1))),
                base.database(),
                base.cluster(),
                base.websocket(),
                base.api(),
                base.history(),
                base.hocuspocus());
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
        org.civicpress.realtime.auth.TokenVerifier verifier =
                token -> java.util.concurrent.CompletableFuture.completedFuture(
                        "good".equals(token)
                                ? new AuthOutcome.Authenticated(
                                        org.civicpress.realtime.auth.Principal.fromClaims(Map.of("sub", "alice"), null))
                                : AuthOutcome.invalid(AuthOutcome.Failure.REJECTED, "rejected"));
        DefaultAuthService auth = new DefaultAuthService(config, null, verifier, java.time.Clock.systemUTC());
        AuthOutcome missing = auth.authenticate(null, "c").toCompletableFuture().join();
        assertEquals(new AuthOutcome.MissingToken(), missing);
        assertTrue(missing.error().orElseThrow() instanceof AuthenticationFailedError);
        assertTrue(auth.authenticate("svc-token", "c")
                .toCompletableFuture()
                .join()
                .authenticatedPrincipal()
                .orElseThrow()
                .service());
        assertEquals(
                "alice",
                auth.authenticate("good", "c")
                        .toCompletableFuture()
                        .join()
                        .authenticatedPrincipal()
                        .orElseThrow()
                        .userId());
        AuthOutcome bad = auth.authenticate("bad", "c").toCompletableFuture().join();
        AuthenticationFailedError e = (AuthenticationFailedError) bad.error().orElseThrow();
        assertEquals(4401, e.wsCloseCode());
        assertFalse(e.getMessage().contains("bad"));
    }

    /**
     * The shutdown order: the container closes the hook system (draining it) before the webhook dispatcher,
     * so every event emitted before close is in the outbox, and a restart delivers it.
     */
    @Test
    void closingTheContainerDropsNothingEmittedBeforeClose() throws Exception {
        RealtimeConfig withHook = withWebhook(RealtimeConfig.defaults(dir), "http://127.0.0.1:9/down");
        ServiceContainer c = new ServiceContainer();
        RealtimeServices.registerRealtimeServices(c, withHook);
        RealtimeServices.startBackgroundServices(c);
        HookSystem hooks = c.resolve(ServiceKeys.HOOKS, HookSystem.class);
        java.util.Set<String> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
        hooks.on(HookEvents.ANY, e -> {
            try {
                Thread.sleep(2); // listeners lag behind: close must wait for them
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            heard.add(e.id());
        });
        java.util.Set<String> emitted = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread[] emitters = new Thread[4];
        for (int t = 0; t < emitters.length; t++) {
            int thread = t;
            emitters[t] = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    HookEvent e = HookEvent.ofRoom(HookEvents.ROOM_CREATED, "room-" + thread + "-" + i, "n", null);
                    hooks.emit(e);
                    emitted.add(e.id());
                }
            });
            emitters[t].start();
        }
        for (Thread t : emitters) t.join();
        c.close();
        assertEquals(emitted, heard, "listeners saw every event emitted before close");

        // Closing the hook system first left the dispatcher open to record everything: all 100 are pending.
        try (WebhookDispatcher next = new WebhookDispatcher(
                RealtimeServices.targets(withHook),
                withHook.outboxDir(),
                new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(1), 0),
                WebhookDeliveryObserver.NONE)) {
            assertEquals(100, next.pendingCount());
        }
    }

    private RealtimeConfig withWebhook(RealtimeConfig base, String url) {
        return new RealtimeConfig(
                base.enabled(),
                base.port(),
                base.host(),
                base.path(),
                dir,
                base.rooms(),
                base.snapshots(),
                base.rateLimiting(),
                base.auth(),
                List.of(new RealtimeConfig.Webhook(url, "s", java.util.Set.of(), 100, Duration.ofSeconds(1))),
                base.database(),
                base.cluster(),
                base.websocket(),
                base.api(),
                base.history(),
                base.hocuspocus());
    }
}
