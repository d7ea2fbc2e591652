package org.civicpress.realtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.civicpress.realtime.config.RealtimeConfig.Auth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code auth.*} section: fixed key and environment names, validation, masking, the anonymous warning. */
class AuthConfigTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private void yml(String text) throws IOException {
        Files.writeString(dir.resolve(RealtimeConfigManager.FILE_NAME), text);
    }

    /** The problems of loading the current file with {@code env}, which must be invalid. */
    private ConfigValidationException invalid(Map<String, String> env) {
        ConfigValidationException e =
                assertThrows(ConfigValidationException.class, () -> RealtimeConfigManager.load(dir, env));
        assertEquals(e.problems().size(), e.getMessage().split("\n  - ").length - 1, "every problem is listed");
        return e;
    }

    private static Set<String> paths(ConfigValidationException e) {
        return e.problems().stream().map(ConfigProblem::path).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void defaultsAreAnonymousWithAWarning() {
        Auth a = RealtimeConfigManager.load(dir, Map.of()).auth();
        assertEquals(Auth.DEFAULTS, a);
        assertTrue(a.allowAnonymous());
        assertFalse(a.jwt().enabled());
        assertFalse(a.introspection().enabled());
        assertEquals(Duration.ofSeconds(60), a.tokenCacheTtl());
        assertEquals(Duration.ofSeconds(30), a.jwt().clockSkew());
        assertEquals(32, a.maxPendingMessages());
        assertEquals(256 * 1024, a.maxPendingBytes());
        String warning = a.startupWarning().orElseThrow();
        assertTrue(warning.contains("REALTIME_AUTH_ALLOW_ANONYMOUS=false"), warning);
    }

    @Test
    void fileKeysAreRead() throws Exception {
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(
                jwks, new JWKSet(new RSAKeyGenerator(2048).keyID("k").generate().toPublicJWK()).toString());
        yml(
                """
                auth:
                  allow_anonymous: false
                  token_cache_ttl: 2m
                  max_pending_messages: 8
                  max_pending_bytes: 65536
                  jwt:
                    hs256_secret: %s
                    jwks_file: %s
                    issuer: https://civicpress.example
                    audience: realtime
                    clock_skew: 5s
                    jwks_cache_ttl: 10m
                    jwks_min_refresh_interval: 30s
                    jwks_timeout: 3s
                  introspection:
                    url: https://civicpress.example/api/realtime/introspect
                    timeout: 1500ms
                    max_concurrent: 16
                """
                        .formatted(SECRET, jwks));
        Auth a = RealtimeConfigManager.load(dir, Map.of()).auth();
        assertFalse(a.allowAnonymous());
        assertTrue(a.startupWarning().isEmpty());
        assertEquals(Duration.ofMinutes(2), a.tokenCacheTtl());
        assertEquals(8, a.maxPendingMessages());
        assertEquals(65536, a.maxPendingBytes());
        assertEquals(
                new Auth.Jwt(
                        SECRET,
                        null,
                        jwks,
                        "https://civicpress.example",
                        "realtime",
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(10),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(3)),
                a.jwt());
        assertEquals(
                new Auth.Introspection(
                        "https://civicpress.example/api/realtime/introspect", Duration.ofMillis(1500), 16),
                a.introspection());
    }

    @Test
    void fixedEnvironmentNames() {
        Auth a = RealtimeConfigManager.load(
                        dir,
                        Map.of(
                                "REALTIME_AUTH_ALLOW_ANONYMOUS", "false",
                                "REALTIME_AUTH_JWT_HS256_SECRET", SECRET,
                                "REALTIME_AUTH_JWT_JWKS_URL", "https://idp.example/jwks.json",
                                "REALTIME_AUTH_JWT_ISSUER", "https://idp.example",
                                "REALTIME_AUTH_JWT_AUDIENCE", "realtime",
                                "REALTIME_AUTH_JWT_CLOCK_SKEW", "10s",
                                "REALTIME_AUTH_INTROSPECTION_URL", "http://127.0.0.1:3000/api/realtime/introspect",
                                "REALTIME_AUTH_INTROSPECTION_TIMEOUT", "2s",
                                "REALTIME_AUTH_TOKEN_CACHE_TTL", "30s",
                                "REALTIME_AUTH_MAX_PENDING_MESSAGES", "4"))
                .auth();
        assertFalse(a.allowAnonymous());
        assertEquals(SECRET, a.jwt().hs256Secret());
        assertEquals("https://idp.example/jwks.json", a.jwt().jwksUrl());
        assertEquals("https://idp.example", a.jwt().issuer());
        assertEquals("realtime", a.jwt().audience());
        assertEquals(Duration.ofSeconds(10), a.jwt().clockSkew());
        assertEquals(
                "http://127.0.0.1:3000/api/realtime/introspect",
                a.introspection().url());
        assertEquals(Duration.ofSeconds(2), a.introspection().timeout());
        assertEquals(Duration.ofSeconds(30), a.tokenCacheTtl());
        assertEquals(4, a.maxPendingMessages());
        Path jwks = dir.resolve("env-jwks.json");
        assertThrows(
                ConfigValidationException.class,
                () -> RealtimeConfigManager.load(dir, Map.of("REALTIME_AUTH_JWT_JWKS_FILE", jwks.toString())),
                "a missing file is a problem");
    }

    @Test
    void everyAuthProblemIsListedAtOnce() throws IOException {
        yml(
                """
                auth:
                  allow_anonymous: false
                  max_pending_messages: 0
                  jwt:
                    hs256_secret: short-secret-value
                    jwks_url: ftp://idp.example/jwks
                    jwks_file: /does/not/exist.json
                    issuer: ""
                    clock_skew: 1h
                    algorithm: HS512
                  introspection:
                    url: not a url
                    max_concurrent: 0
                """);
        ConfigValidationException e = invalid(Map.of());
        assertEquals(
                Set.of(
                        "auth.max_pending_messages",
                        "auth.jwt.hs256_secret",
                        "auth.jwt.jwks_url",
                        "auth.jwt.jwks_file",
                        "auth.jwt.issuer",
                        "auth.jwt.clock_skew",
                        "auth.jwt.algorithm",
                        "auth.introspection.url",
                        "auth.introspection.max_concurrent"),
                paths(e));
        assertTrue(e.getMessage().contains("at least 32 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("set jwks_url or jwks_file, not both"), e.getMessage());
        assertFalse(e.getMessage().contains("short-secret-value"), "the secret is not echoed: " + e.getMessage());
    }

    @Test
    void authOffWithoutAnyVerifierIsAnError() throws IOException {
        yml("auth:\n  allow_anonymous: false\n");
        ConfigValidationException e = invalid(Map.of());
        assertEquals(Set.of("auth.allow_anonymous"), paths(e));
        assertTrue(e.getMessage().contains("no token verifier is configured"), e.getMessage());
        ConfigValidationException env = invalid(Map.of("REALTIME_AUTH_ALLOW_ANONYMOUS", "false"));
        assertEquals(Set.of("auth.allow_anonymous"), paths(env));
        // A short secret is both a problem of its own and no verifier.
        assertTrue(paths(invalid(
                        Map.of("REALTIME_AUTH_ALLOW_ANONYMOUS", "false", "REALTIME_AUTH_JWT_HS256_SECRET", "short")))
                .contains("auth.jwt.hs256_secret"));
        yml("auth:\n  jwt:\n    issuer: https://idp.example\n");
        assertEquals(Set.of("auth.jwt.issuer"), paths(invalid(Map.of())));
    }

    @Test
    void jwksFileMustBeAKeySet() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"not\":\"keys\"}");
        yml("auth:\n  jwt:\n    jwks_file: " + f + "\n");
        ConfigValidationException e = invalid(Map.of());
        assertEquals(Set.of("auth.jwt.jwks_file"), paths(e));
        assertTrue(e.getMessage().contains("not a JSON Web Key Set"), e.getMessage());
    }

    @Test
    void secretsAreMasked() {
        Auth a = RealtimeConfigManager.load(
                        dir,
                        Map.of(
                                "REALTIME_AUTH_JWT_HS256_SECRET",
                                SECRET + "-very-secret",
                                "REALTIME_AUTH_SERVICE_TOKEN",
                                "svc-very-secret"))
                .auth();
        String text = RealtimeConfigManager.load(dir, Map.of("REALTIME_AUTH_JWT_HS256_SECRET", SECRET + "-very-secret"))
                        .toString()
                + a;
        assertFalse(text.contains("very-secret"), text);
        assertTrue(text.contains("hs256Secret=****"), text);
        assertNull(Auth.DEFAULTS.jwt().hs256Secret());
        assertTrue(Auth.DEFAULTS.toString().contains("hs256Secret=<unset>"));
    }
}
