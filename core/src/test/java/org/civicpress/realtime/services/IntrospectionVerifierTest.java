package org.civicpress.realtime.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.AuthOutcome.Failure;
import org.civicpress.realtime.auth.LocalHttpServer;
import org.civicpress.realtime.auth.LocalHttpServer.Reply;
import org.civicpress.realtime.auth.MutableClock;
import org.civicpress.realtime.auth.Principal;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.config.RealtimeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Introspection against a real HTTP server on 127.0.0.1 playing the CivicPress API. */
class IntrospectionVerifierTest {
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    final MutableClock clock = new MutableClock(T0);
    LocalHttpServer api;
    HttpClient http;
    InMemoryCacheService cache;

    @BeforeEach
    void start() throws Exception {
        api = new LocalHttpServer();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        cache = new InMemoryCacheService(10_000, clock);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    IntrospectionVerifier verifier(Duration timeout, int maxConcurrent, Duration ttl) {
        return new IntrospectionVerifier(
                new RealtimeConfig.Auth.Introspection(api.url("/api/realtime/introspect"), timeout, maxConcurrent),
                ttl,
                http,
                cache,
                clock);
    }

    static AuthOutcome join(java.util.concurrent.CompletionStage<AuthOutcome> s) {
        return s.toCompletableFuture().join();
    }

    static void assertFailure(Failure f, AuthOutcome o) {
        assertEquals(
                f,
                assertInstanceOf(AuthOutcome.InvalidToken.class, o, String.valueOf(o))
                        .failure());
        assertEquals(4401, o.error().orElseThrow().wsCloseCode());
    }

    /** alice's token is valid, anything else is not. */
    static Reply aliceOnly(String authorization) {
        if ("Bearer alice-token".equals(authorization)) {
            return Reply.json("{\"active\":true,\"sub\":\"alice\",\"rooms\":{\"doc-*\":\"write\",\"doc-7\":\"read\"},"
                    + "\"roles\":[\"realtime:admin\"],\"exp\":"
                    + T0.plusSeconds(3600).getEpochSecond() + "}");
        }
        return Reply.json("{\"active\":false}");
    }

    @Test
    void positiveAnswerGivesThePrincipalAndIsCached() {
        api.answer = IntrospectionVerifierTest::aliceOnly;
        IntrospectionVerifier v = verifier(Duration.ofSeconds(2), 8, Duration.ofSeconds(60));
        Principal p = join(v.verify("alice-token")).authenticatedPrincipal().orElseThrow();
        assertEquals("alice", p.userId());
        assertTrue(p.admin());
        assertEquals(RoomAccess.READ, p.accessTo("doc-7"));
        assertEquals(RoomAccess.WRITE, p.accessTo("doc-1"));
        assertEquals(T0.plusSeconds(3600), p.expiresAt());
        assertEquals("Bearer alice-token", api.authorizations.poll());
        for (int i = 0; i < 5; i++) assertTrue(join(v.verify("alice-token")).isAuthenticated());
        assertEquals(1, api.requests.get(), "cached for token_cache_ttl");
        clock.advance(Duration.ofSeconds(61));
        assertTrue(join(v.verify("alice-token")).isAuthenticated());
        assertEquals(2, api.requests.get(), "asked again after the TTL");
    }

    @Test
    void negativeAnswersAreCachedToo() {
        api.answer = IntrospectionVerifierTest::aliceOnly;
        IntrospectionVerifier v = verifier(Duration.ofSeconds(2), 8, Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) assertFailure(Failure.REJECTED, join(v.verify("mallory-token")));
        assertEquals(1, api.requests.get());
        api.answer = a -> new Reply(401, "", 0);
        for (int i = 0; i < 3; i++) assertFailure(Failure.REJECTED, join(v.verify("other-token")));
        api.answer = a -> new Reply(403, "", 0);
        assertFailure(Failure.REJECTED, join(v.verify("third-token")));
        assertEquals(3, api.requests.get());
    }

    @Test
    void positiveAnswerIsNotCachedBeyondItsExp() {
        api.answer = a -> Reply.json(
                "{\"active\":true,\"sub\":\"bob\",\"exp\":" + T0.plusSeconds(10).getEpochSecond() + "}");
        IntrospectionVerifier v = verifier(Duration.ofSeconds(2), 8, Duration.ofSeconds(60));
        assertTrue(join(v.verify("bob-token")).isAuthenticated());
        clock.advance(Duration.ofSeconds(11));
        api.answer = a -> Reply.json(
                "{\"active\":true,\"sub\":\"bob\",\"exp\":" + T0.plusSeconds(5).getEpochSecond() + "}");
        assertFailure(Failure.EXPIRED, join(v.verify("bob-token")));
        assertEquals(2, api.requests.get());
    }

    @Test
    void failuresRefuseAndAreNotCached() {
        IntrospectionVerifier v = verifier(Duration.ofSeconds(2), 8, Duration.ofSeconds(60));
        for (Reply r : List.of(
                new Reply(500, "{}", 0),
                new Reply(429, "", 0),
                new Reply(302, "", 0),
                Reply.json("not json"),
                Reply.json("{\"sub\":\"alice\"}"),
                Reply.json("{\"active\":\"yes\",\"sub\":\"a\"}"),
                Reply.json("{\"active\":true}"),
                Reply.json("{\"active\":true,\"sub\":\"a\",\"rooms\":[\"doc\"]}"),
                Reply.json("{\"active\":true,\"sub\":\"a\",\"exp\":\"soon\"}"),
                Reply.json("{\"active\":true,\"sub\":\"" + "x".repeat(70_000) + "\"}"))) {
            api.answer = a -> r;
            int before = api.requests.get();
            assertFailure(Failure.UNAVAILABLE, join(v.verify("alice-token")));
            assertFailure(Failure.UNAVAILABLE, join(v.verify("alice-token")));
            assertEquals(before + 2, api.requests.get(), "failures are not cached: " + r.status());
        }
        api.answer = IntrospectionVerifierTest::aliceOnly;
        assertTrue(join(v.verify("alice-token")).isAuthenticated(), "the API is back");
    }

    @Test
    void slowApiTimesOutAndRefuses() throws Exception {
        api.answer = a -> new Reply(200, "{\"active\":true,\"sub\":\"alice\"}", 3000);
        IntrospectionVerifier v = verifier(Duration.ofMillis(300), 8, Duration.ofSeconds(60));
        long start = System.nanoTime();
        assertFailure(Failure.UNAVAILABLE, join(v.verify("alice-token")));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 250 && ms < 2000, "answered after the timeout, took " + ms + " ms");
        awaitNoneOutstanding(v); // the HTTP exchange itself was abandoned too (its request timeout)
    }

    @Test
    void unreachableApiRefuses() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        IntrospectionVerifier v = new IntrospectionVerifier(
                new RealtimeConfig.Auth.Introspection(
                        "http://127.0.0.1:" + port + "/introspect", Duration.ofSeconds(1), 4),
                Duration.ofSeconds(60),
                http,
                cache,
                clock);
        assertFailure(Failure.UNAVAILABLE, join(v.verify("alice-token")));
        awaitNoneOutstanding(v);
    }

    static void awaitNoneOutstanding(IntrospectionVerifier v) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (v.outstanding() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(0, v.outstanding());
    }

    @Test
    void concurrentIdenticalLookupsShareOneRequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        api.answer = a -> {
            release.await(5, TimeUnit.SECONDS);
            return aliceOnly(a);
        };
        IntrospectionVerifier v = verifier(Duration.ofSeconds(5), 8, Duration.ofSeconds(60));
        List<CompletableFuture<AuthOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) all.add(v.verify("alice-token").toCompletableFuture());
        Thread.sleep(100);
        release.countDown();
        for (CompletableFuture<AuthOutcome> f : all)
            assertTrue(f.get(5, TimeUnit.SECONDS).isAuthenticated());
        assertEquals(1, api.requests.get());
        assertEquals(1, v.requestsSent());
    }

    @Test
    void outstandingLookupsAreBounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        api.answer = a -> {
            release.await(5, TimeUnit.SECONDS);
            return Reply.json("{\"active\":true,\"sub\":\"u\"}");
        };
        IntrospectionVerifier v = verifier(Duration.ofSeconds(5), 4, Duration.ofSeconds(60));
        List<CompletableFuture<AuthOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) all.add(v.verify("token-" + i).toCompletableFuture());
        // The 36 lookups over the limit are refused at once, without waiting for the API.
        long refusedAtOnce = all.stream().filter(CompletableFuture::isDone).count();
        assertEquals(36, refusedAtOnce);
        for (CompletableFuture<AuthOutcome> f : all) {
            if (f.isDone()) assertFailure(Failure.UNAVAILABLE, f.join());
        }
        assertTrue(v.outstanding() <= 4);
        release.countDown();
        long ok = 0;
        for (CompletableFuture<AuthOutcome> f : all)
            if (f.get(5, TimeUnit.SECONDS).isAuthenticated()) ok++;
        assertEquals(4, ok);
        assertTrue(api.maxConcurrent.get() <= 4, "the API never saw more than 4 at once: " + api.maxConcurrent.get());
        awaitNoneOutstanding(v);
        // Slots are free again.
        assertTrue(join(v.verify("token-late")).isAuthenticated());
    }
}
