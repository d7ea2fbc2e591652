package org.civicpress.realtime.services;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.AuthOutcome.Failure;
import org.civicpress.realtime.auth.JwtVerifier;
import org.civicpress.realtime.auth.Principal;
import org.civicpress.realtime.auth.TokenVerifier;
import org.civicpress.realtime.auth.Tokens;
import org.civicpress.realtime.config.RealtimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured authentication: no token = anonymous (when {@code auth.allow_anonymous}) or refused; the
 * service token = a trusted back-end principal; a token shaped like a JWT goes to the JWT verifier when one
 * is configured; any other token (or every token, without JWT keys) goes to CivicPress introspection. A
 * token nobody can verify is refused, also in anonymous mode.
 */
public final class DefaultAuthService implements AuthService {
    private static final Logger log = LoggerFactory.getLogger(DefaultAuthService.class);

    private final RealtimeConfig.Auth config;
    private final TokenVerifier jwt;
    private final TokenVerifier introspection;
    private final Clock clock;

    /** The verifiers {@code config} asks for, on {@code http} (shared with the caller's other HTTP calls or not). */
    public static DefaultAuthService create(
            RealtimeConfig.Auth config, CacheService cache, HttpClient http, Clock clock) {
        TokenVerifier jwt = config.jwt().enabled() ? new JwtVerifier(config.jwt(), http, clock) : null;
        TokenVerifier introspection = config.introspection().enabled()
                ? new IntrospectionVerifier(config.introspection(), config.tokenCacheTtl(), http, cache, clock)
                : null;
        return new DefaultAuthService(config, jwt, introspection, clock);
    }

    /** The configured verifiers, with an HTTP client of their own only when one of them calls out. */
    public static DefaultAuthService create(RealtimeConfig.Auth config, CacheService cache, Clock clock) {
        boolean callsOut =
                config.jwt().jwksUrl() != null || config.introspection().enabled();
        return create(config, cache, callsOut ? defaultHttpClient(config) : null, clock);
    }

    /** With explicit verifiers (either may be null). */
    public DefaultAuthService(RealtimeConfig.Auth config, TokenVerifier jwt, TokenVerifier introspection, Clock clock) {
        this.config = config;
        this.jwt = jwt;
        this.introspection = introspection;
        this.clock = clock;
    }

    /** An HTTP client for the key set and introspection calls: its connect timeout is the introspection timeout. */
    public static HttpClient defaultHttpClient(RealtimeConfig.Auth config) {
        return HttpClient.newBuilder()
                .connectTimeout(config.introspection().timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(String token, String connectionId) {
        if (token == null || token.isBlank()) {
            return done(
                    config.allowAnonymous()
                            ? new AuthOutcome.Authenticated(Principal.anonymous(connectionId))
                            : new AuthOutcome.MissingToken());
        }
        if (config.serviceToken() != null
                && !config.serviceToken().isEmpty()
                && constantTimeEquals(config.serviceToken(), token)) {
            return done(new AuthOutcome.Authenticated(Principal.forService()));
        }
        TokenVerifier verifier =
                jwt != null && (introspection == null || Tokens.looksLikeJwt(token)) ? jwt : introspection;
        if (verifier == null) {
            return done(AuthOutcome.invalid(Failure.UNSUPPORTED_ALGORITHM, "no token verifier is configured"));
        }
        CompletionStage<AuthOutcome> stage;
        try {
            stage = verifier.verify(token);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        // Whatever goes wrong inside a verifier refuses the token: never let a failure in.
        return stage.handle((outcome, error) -> {
            if (error != null || outcome == null) {
                log.warn("Token verification failed unexpectedly", error);
                return AuthOutcome.invalid(Failure.UNAVAILABLE, "the token could not be verified");
            }
            if (outcome instanceof AuthOutcome.Authenticated a && a.principal().expiredAt(clock.instant())) {
                return AuthOutcome.invalid(Failure.EXPIRED, "the token has expired");
            }
            return outcome;
        });
    }

    @Override
    public CompletionStage<AuthOutcome> authorizeAdmin(String token) {
        return authenticate(token, "admin").thenApply(o -> {
            if (!(o instanceof AuthOutcome.Authenticated a)) return o;
            Principal p = a.principal();
            return p.admin() || p.anonymous() ? o : new AuthOutcome.NoAccess(p, "admin");
        });
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static CompletionStage<AuthOutcome> done(AuthOutcome o) {
        return CompletableFuture.completedFuture(o);
    }
}
