package org.civicpress.realtime.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of a JWK set from a URL or a file, cached. The set is loaded again when it is older than
 * {@code cacheTtl}, or when a token names a key id the set does not have (key rotation: the issuer publishes
 * the new key before signing with it). Loads are coalesced (one in flight) and rate-limited to one per
 * {@code minRefreshInterval}, so a flood of tokens with made-up key ids costs at most one fetch per interval.
 * When a load fails the previous set stays in use (a short key-server outage does not lock everybody out).
 */
final class JwksSource {
    private static final Logger log = LoggerFactory.getLogger(JwksSource.class);
    static final int MAX_JWKS_BYTES = 1024 * 1024;

    private record Snapshot(JWKSet set, Instant loadedAt) {}

    /** The keys for one token, or why there are none. */
    record Candidates(List<JWK> keys, boolean loaded) {}

    private final String description;
    private final Supplier<CompletableFuture<JWKSet>> loader;
    private final Duration cacheTtl;
    private final Duration minRefreshInterval;
    private final Clock clock;
    private final AtomicLong loads = new AtomicLong();

    private volatile Snapshot current;
    private Instant lastAttempt; // guarded by this
    private CompletableFuture<Snapshot> inFlight; // guarded by this

    private JwksSource(
            String description,
            Supplier<CompletableFuture<JWKSet>> loader,
            Duration cacheTtl,
            Duration minRefreshInterval,
            Clock clock) {
        this.description = description;
        this.loader = loader;
        this.cacheTtl = cacheTtl;
        this.minRefreshInterval = minRefreshInterval;
        this.clock = clock;
    }

    static JwksSource url(
            String url,
            HttpClient http,
            Duration timeout,
            Duration cacheTtl,
            Duration minRefreshInterval,
            Clock clock) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        return new JwksSource(
                url,
                () -> http.sendAsync(request, BoundedBody.handler(MAX_JWKS_BYTES))
                        .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        .thenApply(response -> {
                            if (response.statusCode() != 200) {
                                throw new IllegalStateException("HTTP " + response.statusCode());
                            }
                            try {
                                return JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
                            } catch (java.text.ParseException e) {
                                throw new IllegalStateException("not a JSON Web Key Set: " + e.getMessage());
                            }
                        }),
                cacheTtl,
                minRefreshInterval,
                clock);
    }

    static JwksSource file(Path file, Duration cacheTtl, Duration minRefreshInterval, Clock clock) {
        return new JwksSource(
                file.toString(),
                () -> {
                    try {
                        return CompletableFuture.completedFuture(JWKSet.load(file.toFile()));
                    } catch (Exception e) {
                        return CompletableFuture.failedFuture(e);
                    }
                },
                cacheTtl,
                minRefreshInterval,
                clock);
    }

    /** How many loads were started (tests: the rate limit). */
    long loads() {
        return loads.get();
    }

    /** The RSA (RS256) or P-256 EC (ES256) signing keys that may have signed a token with {@code kid}. */
    CompletionStage<Candidates> candidates(String kid, JWSAlgorithm alg) {
        Snapshot snap = current;
        if (snap == null || clock.instant().isAfter(snap.loadedAt().plus(cacheTtl))) {
            return reload().thenApply(s -> new Candidates(select(s, kid, alg), s != null));
        }
        List<JWK> keys = select(snap, kid, alg);
        if (!keys.isEmpty()) return CompletableFuture.completedFuture(new Candidates(keys, true));
        return reload().thenApply(s -> new Candidates(select(s, kid, alg), s != null));
    }

    /** Starts a load unless one is in flight or the last started less than minRefreshInterval ago. */
    private synchronized CompletableFuture<Snapshot> reload() {
        if (inFlight != null) return inFlight;
        Instant now = clock.instant();
        if (lastAttempt != null && now.isBefore(lastAttempt.plus(minRefreshInterval))) {
            return CompletableFuture.completedFuture(current);
        }
        lastAttempt = now;
        loads.incrementAndGet();
        CompletableFuture<Snapshot> f;
        try {
            f = loader.get().handle((set, error) -> {
                if (error != null) {
                    log.warn(
                            "Cannot load the JWK set from {}: {}; {}",
                            description,
                            rootMessage(error),
                            current == null ? "tokens signed with its keys are refused" : "keeping the previous keys");
                    return current;
                }
                Snapshot s = new Snapshot(set, clock.instant());
                current = s;
                log.info("Loaded {} keys from the JWK set {}", set.getKeys().size(), description);
                return s;
            });
        } catch (RuntimeException e) {
            f = CompletableFuture.completedFuture(current);
        }
        CompletableFuture<Snapshot> load = f;
        inFlight = load;
        load.whenComplete((s, e) -> {
            synchronized (JwksSource.this) {
                if (inFlight == load) inFlight = null;
            }
        });
        return load;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null
                && (t instanceof java.util.concurrent.CompletionException
                        || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /**
     * Only asymmetric keys of the algorithm's own type are candidates: an {@code oct} key in a JWK set, or an
     * RSA key for an ES256 token, is never used (no algorithm confusion through the key set).
     */
    static List<JWK> select(Snapshot snap, String kid, JWSAlgorithm alg) {
        if (snap == null) return List.of();
        return snap.set().getKeys().stream()
                .filter(k -> kid == null || kid.equals(k.getKeyID()))
                .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
                .filter(k -> k.getAlgorithm() == null || alg.equals(k.getAlgorithm()))
                .filter(k -> JWSAlgorithm.RS256.equals(alg)
                        ? k instanceof RSAKey
                        : JWSAlgorithm.ES256.equals(alg) && k instanceof ECKey ec && Curve.P_256.equals(ec.getCurve()))
                .map(JWK::toPublicJWK)
                .limit(16)
                .toList();
    }
}
