package org.civicpress.realtime.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.civicpress.realtime.auth.AuthOutcome.Failure;
import org.civicpress.realtime.config.RealtimeConfig.Auth.Jwt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtVerifierTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef-dev-secret";
    static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    static RSAKey rsa1;
    static RSAKey rsa2;
    static ECKey ec1;
    static HttpClient http;

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T0);

    @BeforeAll
    static void keys() throws Exception {
        rsa1 = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        ec1 = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void closeHttp() {
        http = null;
    }

    static Jwt jwt(String secret, String url, Path file, String iss, String aud) {
        return new Jwt(
                secret,
                url,
                file,
                iss,
                aud,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2));
    }

    static JWTClaimsSet.Builder claims(Instant now) {
        return new JWTClaimsSet.Builder()
                .subject("alice")
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("rooms", Map.of("doc-*", "write", "doc-7", "read"))
                .claim("roles", List.of("realtime:admin"));
    }

    static String sign(JWTClaimsSet claims, JWSAlgorithm alg, String kid, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(alg).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String hs256(JWTClaimsSet claims, String secret) throws Exception {
        return sign(claims, JWSAlgorithm.HS256, null, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    }

    static String rs256(JWTClaimsSet claims, RSAKey key) throws Exception {
        return sign(claims, JWSAlgorithm.RS256, key.getKeyID(), new RSASSASigner(key));
    }

    static String es256(JWTClaimsSet claims, ECKey key) throws Exception {
        return sign(claims, JWSAlgorithm.ES256, key.getKeyID(), new ECDSASigner(key));
    }

    static AuthOutcome verify(JwtVerifier v, String token) {
        return v.verify(token).toCompletableFuture().join();
    }

    static void assertFailure(Failure expected, AuthOutcome o) {
        AuthOutcome.InvalidToken t = assertInstanceOf(AuthOutcome.InvalidToken.class, o, String.valueOf(o));
        assertEquals(expected, t.failure(), t.reason());
        assertEquals(4401, o.error().orElseThrow().wsCloseCode());
    }

    Path jwksFile(JWK... keys) throws Exception {
        Path f = dir.resolve("jwks.json");
        Files.writeString(f, new JWKSet(List.of(keys)).toString(true));
        return f;
    }

    @Test
    void hs256ValidTokenGivesThePrincipal() throws Exception {
        JwtVerifier v = new JwtVerifier(jwt(SECRET, null, null, null, null), http, clock);
        Principal p = verify(v, hs256(claims(T0).build(), SECRET))
                .authenticatedPrincipal()
                .orElseThrow();
        assertEquals("alice", p.userId());
        assertTrue(p.admin());
        assertEquals(RoomAccess.READ, p.accessTo("doc-7"));
        assertEquals(RoomAccess.WRITE, p.accessTo("doc-8"));
        assertEquals(RoomAccess.NONE, p.accessTo("minutes-1"));
        assertEquals(T0.plusSeconds(3600 + 30), p.expiresAt(), "session ends at exp plus the clock skew");
    }

    @Test
    void forgedAndTamperedTokensAreRefused() throws Exception {
        JwtVerifier v = new JwtVerifier(jwt(SECRET, null, null, null, null), http, clock);
        assertFailure(Failure.BAD_SIGNATURE, verify(v, hs256(claims(T0).build(), SECRET.replace('0', 'x'))));
        String good = hs256(claims(T0).subject("bob").build(), SECRET);
        String[] parts = good.split("\\.");
        String evilPayload = Base64URL.encode(claims(T0)
                        .subject("bob")
                        .claim("rooms", Map.of("*", "write"))
                        .build()
                        .toString())
                .toString();
        assertFailure(Failure.BAD_SIGNATURE, verify(v, parts[0] + "." + evilPayload + "." + parts[2]));
        assertTrue(!verify(v, parts[0] + "." + parts[1] + ".").isAuthenticated(), "signature stripped");
    }

    @Test
    void expiryAndNotBeforeWithClockSkew() throws Exception {
        JwtVerifier v = new JwtVerifier(jwt(SECRET, null, null, null, null), http, clock);
        assertFailure(
                Failure.EXPIRED,
                verify(
                        v,
                        hs256(
                                claims(T0)
                                        .expirationTime(Date.from(T0.minusSeconds(31)))
                                        .build(),
                                SECRET)));
        assertTrue(
                verify(
                                v,
                                hs256(
                                        claims(T0)
                                                .expirationTime(Date.from(T0.minusSeconds(20)))
                                                .build(),
                                        SECRET))
                        .isAuthenticated(),
                "within the 30 s skew");
        assertFailure(
                Failure.NOT_YET_VALID,
                verify(
                        v,
                        hs256(
                                claims(T0)
                                        .notBeforeTime(Date.from(T0.plusSeconds(60)))
                                        .build(),
                                SECRET)));
        assertTrue(verify(
                        v,
                        hs256(
                                claims(T0)
                                        .notBeforeTime(Date.from(T0.plusSeconds(20)))
                                        .build(),
                                SECRET))
                .isAuthenticated());
        assertFailure(
                Failure.BAD_CLAIMS,
                verify(v, hs256(claims(T0).expirationTime(null).build(), SECRET)));
        // A valid token that then expires: the clock moves past exp + skew.
        String t =
                hs256(claims(T0).expirationTime(Date.from(T0.plusSeconds(60))).build(), SECRET);
        assertTrue(verify(v, t).isAuthenticated());
        clock.advance(Duration.ofSeconds(91));
        assertFailure(Failure.EXPIRED, verify(v, t));
    }

    @Test
    void issuerAndAudienceWhenConfigured() throws Exception {
        JwtVerifier v = new JwtVerifier(jwt(SECRET, null, null, "https://civicpress.example", "realtime"), http, clock);
        JWTClaimsSet.Builder ok =
                claims(T0).issuer("https://civicpress.example").audience("realtime");
        assertTrue(verify(v, hs256(ok.build(), SECRET)).isAuthenticated());
        assertTrue(verify(
                        v,
                        hs256(
                                claims(T0)
                                        .issuer("https://civicpress.example")
                                        .audience(List.of("api", "realtime"))
                                        .build(),
                                SECRET))
                .isAuthenticated());
        assertFailure(
                Failure.WRONG_ISSUER,
                verify(
                        v,
                        hs256(
                                claims(T0)
                                        .issuer("https://evil.example")
                                        .audience("realtime")
                                        .build(),
                                SECRET)));
        assertFailure(
                Failure.WRONG_ISSUER,
                verify(v, hs256(claims(T0).audience("realtime").build(), SECRET)));
        assertFailure(
                Failure.WRONG_AUDIENCE,
                verify(
                        v,
                        hs256(
                                claims(T0)
                                        .issuer("https://civicpress.example")
                                        .audience("api")
                                        .build(),
                                SECRET)));
        assertFailure(
                Failure.WRONG_AUDIENCE,
                verify(v, hs256(claims(T0).issuer("https://civicpress.example").build(), SECRET)));
    }

    @Test
    void malformedTokensAndClaims() throws Exception {
        JwtVerifier v = new JwtVerifier(jwt(SECRET, null, null, null, null), http, clock);
        assertFailure(Failure.MALFORMED, verify(v, "garbage"));
        assertFailure(Failure.MALFORMED, verify(v, "a.b.c"));
        assertFailure(Failure.MALFORMED, verify(v, "x".repeat(Tokens.MAX_TOKEN_CHARS + 1)));
        assertFailure(
                Failure.BAD_CLAIMS,
                verify(
                        v,
                        hs256(claims(T0).claim("rooms", Map.of("doc", "admin")).build(), SECRET)));
        assertFailure(
                Failure.BAD_CLAIMS, verify(v, hs256(claims(T0).subject(null).build(), SECRET)));
        // No rooms claim: a valid identity without any room.
        Principal p = verify(v, hs256(claims(T0).claim("rooms", null).build(), SECRET))
                .authenticatedPrincipal()
                .orElseThrow();
        assertEquals(RoomAccess.NONE, p.accessTo("doc-1"));
    }

    @Test
    void algNoneAndOtherAlgorithmsAreRefused() throws Exception {
        JwtVerifier v = new JwtVerifier(jwt(SECRET, null, jwksFile(rsa1.toPublicJWK()), null, null), http, clock);
        assertFailure(
                Failure.UNSUPPORTED_ALGORITHM, verify(v, new PlainJWT(claims(T0).build()).serialize()));
        // "none" with a signature part appended, and a capitalised variant.
        String body = Base64URL.encode(claims(T0).build().toString()).toString();
        for (String header : List.of(
                "{\"alg\":\"none\"}",
                "{\"alg\":\"None\",\"typ\":\"JWT\"}",
                "{\"alg\":\"HS384\"}",
                "{\"alg\":\"PS256\",\"kid\":\"rsa-1\"}")) {
            AuthOutcome o = verify(
                    v,
                    Base64URL.encode(header).toString() + "." + body + "."
                            + Base64URL.encode("sig").toString());
            assertTrue(!o.isAuthenticated(), header);
        }
        String hs384 = sign(
                claims(T0).build(),
                JWSAlgorithm.HS384,
                null,
                new MACSigner((SECRET + SECRET).getBytes(StandardCharsets.UTF_8)));
        assertFailure(Failure.UNSUPPORTED_ALGORITHM, verify(v, hs384));
    }

    @Test
    void algorithmConfusionIsRefused() throws Exception {
        // The attacker knows the RSA public key and signs an HS256 token with it as the HMAC secret.
        byte[] publicKeyBytes = rsa1.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(publicKeyBytes) + "\n-----END PUBLIC KEY-----\n";
        List<String> forged = new ArrayList<>();
        for (byte[] key : List.of(
                publicKeyBytes,
                pem.getBytes(StandardCharsets.UTF_8),
                rsa1.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))) {
            forged.add(sign(claims(T0).build(), JWSAlgorithm.HS256, "rsa-1", new MACSigner(key)));
        }
        JwtVerifier jwksOnly = new JwtVerifier(jwt(null, null, jwksFile(rsa1.toPublicJWK()), null, null), http, clock);
        JwtVerifier both = new JwtVerifier(jwt(SECRET, null, jwksFile(rsa1.toPublicJWK()), null, null), http, clock);
        for (String t : forged) {
            assertFailure(Failure.UNSUPPORTED_ALGORITHM, verify(jwksOnly, t));
            assertFailure(Failure.BAD_SIGNATURE, verify(both, t));
        }
        // A symmetric key published in the JWK set is never used, whatever the token's kid says.
        OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).keyID("oct-1").generate();
        JwtVerifier withOct =
                new JwtVerifier(jwt(null, null, jwksFile(rsa1.toPublicJWK(), oct), null, null), http, clock);
        assertFailure(
                Failure.UNSUPPORTED_ALGORITHM,
                verify(withOct, sign(claims(T0).build(), JWSAlgorithm.HS256, "oct-1", new MACSigner(oct))));
        // An ES256 token naming an RSA key id, an RS256 token naming an EC key id.
        JwtVerifier mixed = new JwtVerifier(
                jwt(null, null, jwksFile(rsa1.toPublicJWK(), ec1.toPublicJWK()), null, null), http, clock);
        assertFailure(
                Failure.UNKNOWN_KEY,
                verify(mixed, sign(claims(T0).build(), JWSAlgorithm.ES256, "rsa-1", new ECDSASigner(ec1))));
        assertFailure(
                Failure.UNKNOWN_KEY,
                verify(mixed, sign(claims(T0).build(), JWSAlgorithm.RS256, "ec-1", new RSASSASigner(rsa1))));
    }

    @Test
    void rs256AndEs256FromAJwksFile() throws Exception {
        JwtVerifier v = new JwtVerifier(
                jwt(null, null, jwksFile(rsa1.toPublicJWK(), ec1.toPublicJWK()), null, null), http, clock);
        assertEquals(
                "alice",
                verify(v, rs256(claims(T0).build(), rsa1))
                        .authenticatedPrincipal()
                        .orElseThrow()
                        .userId());
        assertEquals(
                "alice",
                verify(v, es256(claims(T0).build(), ec1))
                        .authenticatedPrincipal()
                        .orElseThrow()
                        .userId());
        // Signed by a key that is not in the set but claims its kid.
        RSAKey impostor = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        assertFailure(Failure.BAD_SIGNATURE, verify(v, rs256(claims(T0).build(), impostor)));
        ECKey ecImpostor = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        assertFailure(Failure.BAD_SIGNATURE, verify(v, es256(claims(T0).build(), ecImpostor)));
        // Without kid: every key of the right type is tried.
        assertTrue(verify(v, sign(claims(T0).build(), JWSAlgorithm.RS256, null, new RSASSASigner(rsa1)))
                .isAuthenticated());
        // Expiry is checked for RS256 too.
        assertFailure(
                Failure.EXPIRED,
                verify(
                        v,
                        rs256(
                                claims(T0)
                                        .expirationTime(Date.from(T0.minusSeconds(60)))
                                        .build(),
                                rsa1)));
    }

    @Test
    void hs256RefusedWhenOnlyKeysAreConfiguredAndRs256WhenOnlyASecretIs() throws Exception {
        JwtVerifier keys = new JwtVerifier(jwt(null, null, jwksFile(rsa1.toPublicJWK()), null, null), http, clock);
        assertFailure(
                Failure.UNSUPPORTED_ALGORITHM, verify(keys, hs256(claims(T0).build(), SECRET)));
        JwtVerifier secret = new JwtVerifier(jwt(SECRET, null, null, null, null), http, clock);
        assertFailure(
                Failure.UNSUPPORTED_ALGORITHM, verify(secret, rs256(claims(T0).build(), rsa1)));
    }

    @Test
    void jwksUrlRotationAddsAndRemovesKeys() throws Exception {
        try (LocalHttpServer server = new LocalHttpServer()) {
            server.answer = a -> LocalHttpServer.Reply.json(new JWKSet(rsa1.toPublicJWK()).toString());
            JwtVerifier v =
                    new JwtVerifier(jwt(null, server.url("/.well-known/jwks.json"), null, null, null), http, clock);
            String t1 = rs256(claims(T0).build(), rsa1);
            assertTrue(verify(v, t1).isAuthenticated());
            assertTrue(verify(v, t1).isAuthenticated());
            assertEquals(1, server.requests.get(), "the key set is cached");

            // Rotation: the issuer publishes rsa-2 and starts signing with it. A token with the new kid reloads.
            server.answer = a ->
                    LocalHttpServer.Reply.json(new JWKSet(List.of(rsa1.toPublicJWK(), rsa2.toPublicJWK())).toString());
            clock.advance(Duration.ofSeconds(11));
            String t2 = rs256(claims(T0).build(), rsa2);
            assertTrue(verify(v, t2).isAuthenticated());
            assertEquals(2, server.requests.get());
            assertTrue(verify(v, t1).isAuthenticated(), "the old key still works while it is published");

            // The old key is withdrawn: once the cache is older than jwks_cache_ttl, its tokens are refused.
            server.answer = a -> LocalHttpServer.Reply.json(new JWKSet(rsa2.toPublicJWK()).toString());
            clock.advance(Duration.ofMinutes(6));
            assertFailure(Failure.UNKNOWN_KEY, verify(v, t1));
            assertTrue(verify(v, t2).isAuthenticated());

            // An EC key appears under a new kid: found at once by the unknown-kid reload.
            server.answer = a ->
                    LocalHttpServer.Reply.json(new JWKSet(List.of(rsa2.toPublicJWK(), ec1.toPublicJWK())).toString());
            clock.advance(Duration.ofSeconds(11));
            assertTrue(verify(v, es256(claims(T0).build(), ec1)).isAuthenticated());
        }
    }

    @Test
    void removedKeyIsRefusedAsSoonAsAnUnknownKidReloadsTheSet() throws Exception {
        try (LocalHttpServer server = new LocalHttpServer()) {
            server.answer = a -> LocalHttpServer.Reply.json(new JWKSet(rsa1.toPublicJWK()).toString());
            JwtVerifier v = new JwtVerifier(jwt(null, server.url("/jwks"), null, null, null), http, clock);
            String t1 = rs256(claims(T0).build(), rsa1);
            assertTrue(verify(v, t1).isAuthenticated());
            server.answer = a -> LocalHttpServer.Reply.json(new JWKSet(rsa2.toPublicJWK()).toString());
            clock.advance(Duration.ofSeconds(11));
            assertTrue(verify(v, rs256(claims(T0).build(), rsa2)).isAuthenticated());
            assertFailure(Failure.UNKNOWN_KEY, verify(v, t1));
        }
    }

    @Test
    void unknownKidFloodCostsAtMostOneFetchPerInterval() throws Exception {
        try (LocalHttpServer server = new LocalHttpServer()) {
            server.answer = a -> new LocalHttpServer.Reply(200, new JWKSet(rsa1.toPublicJWK()).toString(), 50);
            JwtVerifier v = new JwtVerifier(jwt(null, server.url("/jwks"), null, null, null), http, clock);
            assertTrue(verify(v, rs256(claims(T0).build(), rsa1)).isAuthenticated());
            List<CompletableFuture<AuthOutcome>> flood = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                RSAKey fake = new RSAKey.Builder(rsa1).keyID("made-up-" + i).build();
                flood.add(v.verify(rs256(claims(T0).build(), fake)).toCompletableFuture());
            }
            for (CompletableFuture<AuthOutcome> f : flood) assertFailure(Failure.UNKNOWN_KEY, f.join());
            assertEquals(1, server.requests.get(), "within the refresh interval no reload at all");
            clock.advance(Duration.ofSeconds(11));
            flood.clear();
            for (int i = 0; i < 300; i++) {
                RSAKey fake = new RSAKey.Builder(rsa1).keyID("again-" + i).build();
                flood.add(v.verify(rs256(claims(T0).build(), fake)).toCompletableFuture());
            }
            for (CompletableFuture<AuthOutcome> f : flood) assertFailure(Failure.UNKNOWN_KEY, f.join());
            assertEquals(2, server.requests.get(), "one coalesced reload for the whole flood");
            assertEquals(2, v.jwksLoads());
        }
    }

    @Test
    void keyServerOutage() throws Exception {
        try (LocalHttpServer server = new LocalHttpServer()) {
            server.answer = a -> new LocalHttpServer.Reply(503, "", 0);
            JwtVerifier v = new JwtVerifier(jwt(null, server.url("/jwks"), null, null, null), http, clock);
            String t1 = rs256(claims(T0).build(), rsa1);
            assertFailure(Failure.UNAVAILABLE, verify(v, t1));
            server.answer = a -> LocalHttpServer.Reply.json(new JWKSet(rsa1.toPublicJWK()).toString());
            assertFailure(Failure.UNAVAILABLE, verify(v, t1)); // rate limited: no new fetch yet
            clock.advance(Duration.ofSeconds(11));
            assertTrue(verify(v, t1).isAuthenticated());
            // The server fails again and the cache ages out: the previous keys stay in use.
            server.answer = a -> new LocalHttpServer.Reply(500, "", 0);
            clock.advance(Duration.ofMinutes(6));
            assertTrue(verify(v, t1).isAuthenticated());
            // A body that is not a key set, and one that never ends in time, count as failures too.
            server.answer = a -> LocalHttpServer.Reply.json("{\"keys\": 42}");
            clock.advance(Duration.ofMinutes(6));
            assertTrue(verify(v, t1).isAuthenticated());
            server.answer = a -> new LocalHttpServer.Reply(200, new JWKSet(rsa2.toPublicJWK()).toString(), 4000);
            clock.advance(Duration.ofMinutes(6));
            long start = System.nanoTime();
            assertTrue(verify(v, t1).isAuthenticated());
            // Authenticated with the old key proves the slow answer (which drops rsa-1) was not waited for.
            assertTrue(System.nanoTime() - start < 3_900_000_000L, "the 2 s key-set timeout bounds the wait");
        }
    }
}
