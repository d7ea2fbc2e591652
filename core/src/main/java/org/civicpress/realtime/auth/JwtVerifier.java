package org.civicpress.realtime.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.civicpress.realtime.auth.AuthOutcome.Failure;
import org.civicpress.realtime.config.RealtimeConfig;

/**
 * Verifies JWTs: HS256 with {@code auth.jwt.hs256_secret}, RS256 and ES256 with the keys of
 * {@code auth.jwt.jwks_url} / {@code jwks_file}. Only these three algorithms, each only with its own kind of
 * key: an HS256 token is checked against the configured secret and nothing else (so a token "signed" with
 * the RSA public key as HMAC secret fails), RS256/ES256 only against RSA/P-256 keys of the JWK set, and
 * unsigned ({@code alg: none}) or encrypted tokens are refused. The signature is checked before any claim,
 * so a forged token learns nothing about the expected claims. Then {@code exp} (required), {@code nbf}
 * (both with {@code clock_skew}), {@code iss} and {@code aud} when configured, and the claims of
 * {@link Principal#fromClaims}.
 */
public final class JwtVerifier implements TokenVerifier {
    private final RealtimeConfig.Auth.Jwt config;
    private final byte[] hmacSecret;
    private final JwksSource jwks;
    private final Clock clock;

    public JwtVerifier(RealtimeConfig.Auth.Jwt config, HttpClient http, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.hmacSecret =
                config.hs256Secret() == null ? null : config.hs256Secret().getBytes(StandardCharsets.UTF_8);
        if (config.jwksUrl() != null) {
            jwks = JwksSource.url(
                    config.jwksUrl(),
                    http,
                    config.jwksTimeout(),
                    config.jwksCacheTtl(),
                    config.jwksMinRefreshInterval(),
                    clock);
        } else if (config.jwksFile() != null) {
            jwks = JwksSource.file(config.jwksFile(), config.jwksCacheTtl(), config.jwksMinRefreshInterval(), clock);
        } else {
            jwks = null;
        }
    }

    /** How many times the JWK set was (re)loaded; tests check the rate limit with it. */
    public long jwksLoads() {
        return jwks == null ? 0 : jwks.loads();
    }

    @Override
    public CompletionStage<AuthOutcome> verify(String token) {
        if (token == null || token.length() > Tokens.MAX_TOKEN_CHARS) {
            return done(AuthOutcome.invalid(Failure.MALFORMED, "the token is missing or too long"));
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException | RuntimeException e) {
            return done(AuthOutcome.invalid(Failure.MALFORMED, "the token is not a well-formed JWT"));
        }
        if (jwt instanceof PlainJWT) {
            return done(AuthOutcome.invalid(Failure.UNSUPPORTED_ALGORITHM, "unsigned tokens (alg none) are refused"));
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return done(AuthOutcome.invalid(Failure.UNSUPPORTED_ALGORITHM, "encrypted tokens are not accepted"));
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (JWSAlgorithm.HS256.equals(alg)) {
            if (hmacSecret == null) return done(refusedAlgorithm(alg));
            try {
                return done(signed.verify(new MACVerifier(hmacSecret)) ? checkClaims(signed) : badSignature());
            } catch (JOSEException | RuntimeException e) {
                return done(badSignature());
            }
        }
        if (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.ES256.equals(alg)) {
            if (jwks == null) return done(refusedAlgorithm(alg));
            return jwks.candidates(signed.getHeader().getKeyID(), alg)
                    .thenApply(c -> {
                        if (c.keys().isEmpty()) {
                            return c.loaded()
                                    ? AuthOutcome.invalid(Failure.UNKNOWN_KEY, "the token's signing key is unknown")
                                    : AuthOutcome.invalid(Failure.UNAVAILABLE, "the signing keys could not be loaded");
                        }
                        for (JWK key : c.keys()) {
                            if (verifiesWith(signed, key)) return checkClaims(signed);
                        }
                        return badSignature();
                    })
                    .exceptionally(e -> AuthOutcome.invalid(Failure.UNAVAILABLE, "the token could not be verified"));
        }
        return done(refusedAlgorithm(alg));
    }

    private static boolean verifiesWith(SignedJWT signed, JWK key) {
        try {
            JWSVerifier v = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
            return signed.verify(v);
        } catch (JOSEException | RuntimeException e) {
            return false;
        }
    }

    private AuthOutcome checkClaims(SignedJWT signed) {
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return AuthOutcome.invalid(Failure.MALFORMED, "the token's claims are not a JSON object");
        }
        Instant now = clock.instant();
        long skew = config.clockSkew().toMillis();
        java.util.Date exp = claims.getExpirationTime();
        if (exp == null) return AuthOutcome.invalid(Failure.BAD_CLAIMS, "the token has no exp claim");
        if (now.toEpochMilli() >= exp.getTime() + skew)
            return AuthOutcome.invalid(Failure.EXPIRED, "the token has expired");
        java.util.Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.toEpochMilli() + skew < nbf.getTime()) {
            return AuthOutcome.invalid(Failure.NOT_YET_VALID, "the token is not valid yet (nbf)");
        }
        if (config.issuer() != null && !config.issuer().equals(claims.getIssuer())) {
            return AuthOutcome.invalid(Failure.WRONG_ISSUER, "the token has the wrong issuer");
        }
        if (config.audience() != null) {
            List<String> aud = claims.getAudience();
            if (aud == null || !aud.contains(config.audience())) {
                return AuthOutcome.invalid(Failure.WRONG_AUDIENCE, "the token is not meant for this audience");
            }
        }
        try {
            // The session ends when the check above would refuse the token: at exp plus the skew.
            return new AuthOutcome.Authenticated(
                    Principal.fromClaims(claims.getClaims(), exp.toInstant().plusMillis(skew)));
        } catch (IllegalArgumentException e) {
            return AuthOutcome.invalid(Failure.BAD_CLAIMS, e.getMessage());
        }
    }

    private static AuthOutcome badSignature() {
        return AuthOutcome.invalid(Failure.BAD_SIGNATURE, "the token's signature is invalid");
    }

    private static AuthOutcome refusedAlgorithm(JWSAlgorithm alg) {
        // The name comes from the attacker's header: keep it short and printable before echoing it.
        String name = alg == null ? "?" : alg.getName().replaceAll("[^A-Za-z0-9_-]", "");
        if (name.length() > 16) name = name.substring(0, 16);
        return AuthOutcome.invalid(Failure.UNSUPPORTED_ALGORITHM, "the token algorithm " + name + " is not accepted");
    }

    private static CompletionStage<AuthOutcome> done(AuthOutcome o) {
        return CompletableFuture.completedFuture(o);
    }
}
