package org.civicpress.realtime.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.AuthOutcome.Failure;
import org.civicpress.realtime.auth.LocalHttpServer;
import org.civicpress.realtime.auth.Principal;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.config.RealtimeConfig.Auth;
import org.civicpress.realtime.errors.AuthenticationFailedError;
import org.civicpress.realtime.errors.PermissionDeniedError;
import org.junit.jupiter.api.Test;

class DefaultAuthServiceTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef-dev-secret";
    final HttpClient http = HttpClient.newHttpClient();

    static Auth auth(boolean anonymous, String introspectionUrl) {
        Auth.Jwt jwt = new Auth.Jwt(
                SECRET,
                null,
                null,
                null,
                null,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2));
        return new Auth(
                anonymous,
                "service-token-0123456789abcdef0123",
                Duration.ofSeconds(60),
                jwt,
                new Auth.Introspection(introspectionUrl, Duration.ofSeconds(2), 8),
                32,
                256 * 1024);
    }

    DefaultAuthService service(Auth config) {
        return DefaultAuthService.create(config, new InMemoryCacheService(), http, Clock.systemUTC());
    }

    static String token(String sub, Map<String, String> rooms, List<String> roles, Instant exp) throws Exception {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .subject(sub)
                .expirationTime(Date.from(exp))
                .claim("rooms", rooms);
        if (roles != null) b.claim("roles", roles);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), b.build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    static AuthOutcome join(java.util.concurrent.CompletionStage<AuthOutcome> s) {
        return s.toCompletableFuture().join();
    }

    @Test
    void anonymousModeLetsTokenlessClientsWriteButStillVerifiesTokens() throws Exception {
        DefaultAuthService s = service(auth(true, null));
        Principal anon = join(s.authorizeRoom(null, "doc-1", "conn-1"))
                .authenticatedPrincipal()
                .orElseThrow();
        assertTrue(anon.anonymous());
        assertEquals("anonymous:conn-1", anon.userId());
        assertEquals(RoomAccess.WRITE, anon.accessTo("doc-1"));
        assertTrue(join(s.authorizeRoom("", "any", "c")).isAuthenticated());
        // A present token is verified even in anonymous mode: a forged one is refused, not downgraded.
        AuthOutcome forged = join(s.authorizeRoom("not-a-valid.token.at-all", "doc-1", "c"));
        assertEquals(4401, forged.error().orElseThrow().wsCloseCode());
        String readOnly =
                token("alice", Map.of("doc-1", "read"), null, Instant.now().plusSeconds(600));
        Principal alice = join(s.authorizeRoom(readOnly, "doc-1", "c"))
                .authenticatedPrincipal()
                .orElseThrow();
        assertFalse(alice.accessTo("doc-1").canWrite(), "a token's own rooms apply, not the anonymous grant");
        assertEquals(
                4403,
                join(s.authorizeRoom(readOnly, "doc-2", "c"))
                        .error()
                        .orElseThrow()
                        .wsCloseCode());
        // Anonymous mode is "auth off": the admin surfaces are open without a token.
        assertTrue(join(s.authorizeAdmin(null)).isAuthenticated());
        assertEquals(
                4403, join(s.authorizeAdmin(readOnly)).error().orElseThrow().wsCloseCode());
    }

    @Test
    void authOnRefusesMissingAndInvalidTokensAndChecksRooms() throws Exception {
        DefaultAuthService s = service(auth(false, null));
        AuthOutcome missing = join(s.authorizeRoom(null, "doc-1", "c"));
        assertInstanceOf(AuthOutcome.MissingToken.class, missing);
        AuthenticationFailedError e = assertInstanceOf(
                AuthenticationFailedError.class, missing.error().orElseThrow());
        assertEquals(4401, e.wsCloseCode());
        assertEquals(401, e.httpStatus());

        Instant exp = Instant.now().plusSeconds(600);
        String t = token("alice", Map.of("doc-*", "write", "doc-7", "read"), null, exp);
        AuthOutcome writer = join(s.authorizeRoom(t, "doc-1", "c"));
        assertTrue(
                writer.authenticatedPrincipal().orElseThrow().accessTo("doc-1").canWrite());
        AuthOutcome reader = join(s.authorizeRoom(t, "doc-7", "c"));
        assertTrue(reader.isAuthenticated());
        assertFalse(
                reader.authenticatedPrincipal().orElseThrow().accessTo("doc-7").canWrite());
        AuthOutcome denied = join(s.authorizeRoom(t, "minutes", "c"));
        assertInstanceOf(AuthOutcome.NoAccess.class, denied);
        PermissionDeniedError pd =
                assertInstanceOf(PermissionDeniedError.class, denied.error().orElseThrow());
        assertEquals(4403, pd.wsCloseCode());
        assertEquals("minutes", pd.details().get("resource"));

        String expired =
                token("alice", Map.of("*", "write"), null, Instant.now().minusSeconds(120));
        AuthOutcome ex = join(s.authorizeRoom(expired, "doc-1", "c"));
        assertEquals(
                Failure.EXPIRED,
                assertInstanceOf(AuthOutcome.InvalidToken.class, ex).failure());
        assertFalse(ex.error().orElseThrow().getMessage().contains(expired), "the reason never echoes the token");
        // Without an introspection URL an opaque token cannot be verified.
        assertInstanceOf(AuthOutcome.InvalidToken.class, join(s.authorizeRoom("opaque", "doc-1", "c")));
    }

    @Test
    void adminSurfacesNeedTheAdminRoleWhenAuthIsOn() throws Exception {
        DefaultAuthService s = service(auth(false, null));
        Instant exp = Instant.now().plusSeconds(600);
        assertTrue(join(s.authorizeAdmin(token("root", Map.of(), List.of("realtime:admin"), exp)))
                .isAuthenticated());
        assertEquals(
                4403,
                join(s.authorizeAdmin(token("bob", Map.of("*", "write"), List.of("editor"), exp)))
                        .error()
                        .orElseThrow()
                        .wsCloseCode());
        assertEquals(4401, join(s.authorizeAdmin(null)).error().orElseThrow().wsCloseCode());
        Principal svc = join(s.authorizeAdmin("service-token-0123456789abcdef0123"))
                .authenticatedPrincipal()
                .orElseThrow();
        assertTrue(svc.service());
        assertTrue(svc.admin());
    }

    @Test
    void jwtShapedTokensGoToTheJwtVerifierOthersToIntrospection() throws Exception {
        try (LocalHttpServer api = new LocalHttpServer()) {
            api.answer = a -> "Bearer opaque-alice".equals(a)
                    ? LocalHttpServer.Reply.json("{\"active\":true,\"sub\":\"alice\",\"rooms\":{\"doc-1\":\"read\"}}")
                    : LocalHttpServer.Reply.json("{\"active\":false}");
            DefaultAuthService s = service(auth(false, api.url("/introspect")));
            assertEquals(
                    "alice",
                    join(s.authorizeRoom("opaque-alice", "doc-1", "c"))
                            .authenticatedPrincipal()
                            .orElseThrow()
                            .userId());
            assertEquals(
                    4401,
                    join(s.authorizeRoom("opaque-mallory", "doc-1", "c"))
                            .error()
                            .orElseThrow()
                            .wsCloseCode());
            String jwt =
                    token("bob", Map.of("doc-1", "write"), null, Instant.now().plusSeconds(600));
            assertEquals(
                    "bob",
                    join(s.authorizeRoom(jwt, "doc-1", "c"))
                            .authenticatedPrincipal()
                            .orElseThrow()
                            .userId());
            assertEquals(2, api.requests.get(), "the JWT never reached the API");
        }
    }

    @Test
    void aVerifierThatThrowsNeverLetsAnyoneIn() {
        Auth config = auth(false, null);
        DefaultAuthService throwing = new DefaultAuthService(
                config,
                token -> {
                    throw new IllegalStateException("boom");
                },
                null,
                Clock.systemUTC());
        assertEquals(
                Failure.UNAVAILABLE, ((AuthOutcome.InvalidToken) join(throwing.authenticate("a.b.c", "c"))).failure());
        DefaultAuthService failing = new DefaultAuthService(
                config, token -> CompletableFuture.failedFuture(new RuntimeException("boom")), null, Clock.systemUTC());
        assertEquals(
                Failure.UNAVAILABLE, ((AuthOutcome.InvalidToken) join(failing.authenticate("a.b.c", "c"))).failure());
    }

    @Test
    void registeredServiceFollowsTheConfiguration() {
        try (ServiceContainer c = new ServiceContainer()) {
            RealtimeConfig base = RealtimeConfig.defaults(java.nio.file.Path.of("target"));
            RealtimeServices.registerRealtimeServices(
                    c,
                    new RealtimeConfig(
                            base.enabled(),
                            base.port(),
                            base.host(),
                            base.path(),
                            base.dataDir(),
                            base.rooms(),
                            base.snapshots(),
                            base.rateLimiting(),
                            auth(false, null),
                            base.webhooks(),
                            base.database(),
                            base.cluster(),
                            base.websocket(),
                            base.api(),
                            base.history(),
                            base.hocuspocus()));
            AuthService s = c.resolve(ServiceKeys.AUTH, AuthService.class);
            assertInstanceOf(AuthOutcome.MissingToken.class, join(s.authenticate(null, "c")));
        }
    }
}
