package org.civicpress.realtime.services;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.AuthOutcome.Failure;
import org.civicpress.realtime.auth.BoundedBody;
import org.civicpress.realtime.auth.Principal;
import org.civicpress.realtime.auth.TokenVerifier;
import org.civicpress.realtime.auth.Tokens;
import org.civicpress.realtime.config.RealtimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CivicPress token introspection: asks {@code auth.introspection.url} who the bearer of an opaque token is.
 *
 * <p>Request: {@code GET <url>} with {@code Authorization: Bearer <token>} and {@code Accept: application/json}.
 * Answers (docs/security.md):
 * <ul>
 *   <li>200 {@code {"active":true,"sub":"alice","rooms":{"doc-*":"write"},"roles":[...],"exp":1767225600}}:
 *       the token is valid; {@code rooms}/{@code roles} read as the JWT claims, {@code exp} (seconds, optional)
 *       ends the session.</li>
 *   <li>200 {@code {"active":false}}, 401 or 403: the token is not valid (a negative answer).</li>
 *   <li>anything else, a timeout, a body over 64 KiB, malformed JSON: the API failed, the token is refused
 *       with {@link Failure#UNAVAILABLE} and nothing is cached.</li>
 * </ul>
 * Positive and negative answers are cached for {@code auth.token_cache_ttl} (a positive one no longer than
 * its {@code exp}), keyed by the SHA-256 of the token (the cache does not hold tokens). Concurrent lookups of
 * the same token share one request; at most {@code auth.introspection.max_concurrent} requests are
 * outstanding, further lookups are refused at once instead of queueing.
 */
public final class IntrospectionVerifier implements TokenVerifier {
    private static final Logger log = LoggerFactory.getLogger(IntrospectionVerifier.class);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String CACHE_PREFIX = "auth:introspection:";

    private final RealtimeConfig.Auth.Introspection config;
    private final Duration cacheTtl;
    private final HttpClient http;
    private final CacheService cache;
    private final Clock clock;
    private final Map<String, CompletableFuture<AuthOutcome>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - 20_000_000_000L);
    private final AtomicLong suppressedWarnings = new AtomicLong();

    public IntrospectionVerifier(
            RealtimeConfig.Auth.Introspection config,
            Duration cacheTtl,
            HttpClient http,
            CacheService cache,
            Clock clock) {
        this.config = config;
        this.cacheTtl = cacheTtl;
        this.http = http;
        this.cache = cache;
        this.clock = clock;
    }

    /** Requests sent to the API so far (tests: caching and coalescing). */
    public long requestsSent() {
        return requests.get();
    }

    /** Requests currently outstanding (never above {@code max_concurrent}). */
    public int outstanding() {
        return outstanding.get();
    }

    @Override
    public CompletionStage<AuthOutcome> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > Tokens.MAX_TOKEN_CHARS) {
            return CompletableFuture.completedFuture(
                    AuthOutcome.invalid(Failure.MALFORMED, "the token is missing or too long"));
        }
        String key = CACHE_PREFIX + sha256(token);
        AuthOutcome cached = cache.get(key, AuthOutcome.class).orElse(null);
        if (cached != null) return CompletableFuture.completedFuture(cached);
        CompletableFuture<AuthOutcome> existing = inFlight.get(key);
        if (existing != null) return existing.minimalCompletionStage();
        // Reserve a slot first: over the limit, refuse instead of queueing (requests never pile up).
        if (outstanding.incrementAndGet() > config.maxConcurrent()) {
            outstanding.decrementAndGet();
            warn("Token introspection is refusing lookups: {} requests already outstanding", config.maxConcurrent());
            return CompletableFuture.completedFuture(
                    AuthOutcome.invalid(Failure.UNAVAILABLE, "token verification is overloaded, try again later"));
        }
        CompletableFuture<AuthOutcome> mine = new CompletableFuture<>();
        existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            outstanding.decrementAndGet();
            return existing.minimalCompletionStage();
        }
        send(token, key, mine);
        return mine.minimalCompletionStage();
    }

    private void send(String token, String key, CompletableFuture<AuthOutcome> result) {
        requests.incrementAndGet();
        CompletableFuture<HttpResponse<byte[]>> call;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(config.url()))
                    .timeout(config.timeout())
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
            call = http.sendAsync(request, BoundedBody.handler(MAX_BODY_BYTES));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        // The slot is held until the HTTP exchange itself has ended, not only until the caller gave up.
        call.whenComplete((r, e) -> outstanding.decrementAndGet());
        // orTimeout on a copy: it must not complete the exchange's own future (that would free the slot early).
        call.copy()
                .orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    AuthOutcome outcome;
                    Duration ttl = Duration.ZERO;
                    if (error != null) {
                        warn("Token introspection failed: {}", describe(error));
                        outcome = unavailable();
                    } else {
                        Answer a = interpret(response);
                        outcome = a.outcome();
                        ttl = a.cacheFor();
                    }
                    if (!ttl.isZero() && !ttl.isNegative()) cache.put(key, outcome, ttl);
                    inFlight.remove(key, result);
                    result.complete(outcome);
                    return null;
                });
    }

    private record Answer(AuthOutcome outcome, Duration cacheFor) {}

    private Answer interpret(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 401 || status == 403) return negative();
        if (status != 200) {
            warn("Token introspection answered HTTP {}", status);
            return new Answer(unavailable(), Duration.ZERO);
        }
        Map<String, Object> body;
        try {
            body = com.nimbusds.jose.util.JSONObjectUtils.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (java.text.ParseException | RuntimeException e) {
            warn("Token introspection answered with malformed JSON");
            return new Answer(unavailable(), Duration.ZERO);
        }
        Object active = body.get("active");
        if (Boolean.FALSE.equals(active)) return negative();
        if (!Boolean.TRUE.equals(active)) {
            warn("Token introspection answer has no boolean 'active'");
            return new Answer(unavailable(), Duration.ZERO);
        }
        Instant now = clock.instant();
        Instant expiresAt = null;
        Object exp = body.get("exp");
        if (exp != null) {
            if (!(exp instanceof Number n)) {
                warn("Token introspection answer has a non-numeric 'exp'");
                return new Answer(unavailable(), Duration.ZERO);
            }
            expiresAt = Instant.ofEpochSecond(n.longValue());
            if (!now.isBefore(expiresAt)) {
                return new Answer(AuthOutcome.invalid(Failure.EXPIRED, "the token has expired"), cacheTtl);
            }
        }
        Principal principal;
        try {
            principal = Principal.fromClaims(body, expiresAt);
        } catch (IllegalArgumentException e) {
            warn("Token introspection answer is malformed: {}", e.getMessage());
            return new Answer(unavailable(), Duration.ZERO);
        }
        Duration ttl = cacheTtl;
        if (expiresAt != null && Duration.between(now, expiresAt).compareTo(ttl) < 0) {
            ttl = Duration.between(now, expiresAt);
        }
        return new Answer(new AuthOutcome.Authenticated(principal), ttl);
    }

    private Answer negative() {
        return new Answer(
                AuthOutcome.invalid(Failure.REJECTED, "the token was rejected by the CivicPress API"), cacheTtl);
    }

    private static AuthOutcome unavailable() {
        return AuthOutcome.invalid(Failure.UNAVAILABLE, "the token could not be verified, try again later");
    }

    /**
     * At most one WARN per 10 s (with the count of the ones left out): during an API outage or a flood of
     * lookups every request fails, and the log must not grow with the attack.
     */
    private void warn(String format, Object... args) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last > 10_000_000_000L && lastWarning.compareAndSet(last, now)) {
            long suppressed = suppressedWarnings.getAndSet(0);
            log.warn(format + (suppressed > 0 ? " (" + suppressed + " similar warnings suppressed)" : ""), args);
        } else {
            suppressedWarnings.incrementAndGet();
        }
    }

    private static String describe(Throwable t) {
        while (t.getCause() != null && t instanceof java.util.concurrent.CompletionException) t = t.getCause();
        return t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.http.HttpTimeoutException
                ? "timed out"
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
