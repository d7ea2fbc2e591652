package org.civicpress.realtime.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.civicpress.realtime.config.RealtimeConfig.Auth.Jwt;
import org.junit.jupiter.api.Test;

class DevTokenTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef-dev";
    final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));

    @Test
    void mintedTokenVerifiesWithTheServersVerifier() {
        String token = DevToken.mint(
                new String[] {
                    "token",
                    "--secret",
                    SECRET,
                    "--sub",
                    "alice",
                    "--room",
                    "doc-*=write",
                    "--room",
                    "doc-7=read",
                    "--role",
                    "realtime:admin",
                    "--ttl",
                    "1h",
                    "--iss",
                    "dev",
                    "--aud",
                    "realtime"
                },
                Map.of(),
                clock);
        JwtVerifier v = new JwtVerifier(
                new Jwt(
                        SECRET,
                        null,
                        null,
                        "dev",
                        "realtime",
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(2)),
                HttpClient.newHttpClient(),
                clock);
        Principal p = v.verify(token)
                .toCompletableFuture()
                .join()
                .authenticatedPrincipal()
                .orElseThrow();
        assertEquals("alice", p.userId());
        assertTrue(p.admin());
        assertEquals(RoomAccess.READ, p.accessTo("doc-7"));
        assertEquals(RoomAccess.WRITE, p.accessTo("doc-1"));
        assertEquals(clock.instant().plus(Duration.ofHours(1)).plusSeconds(30), p.expiresAt());
        clock.advance(Duration.ofMinutes(61));
        assertTrue(!v.verify(token).toCompletableFuture().join().isAuthenticated(), "expires after --ttl");
    }

    @Test
    void secretFromTheEnvironmentAndBadArguments() {
        String token =
                DevToken.mint(new String[] {"--sub", "bob"}, Map.of("REALTIME_AUTH_JWT_HS256_SECRET", SECRET), clock);
        assertEquals(3, token.split("\\.").length);
        assertThrows(
                IllegalArgumentException.class, () -> DevToken.mint(new String[] {"--sub", "bob"}, Map.of(), clock));
        assertThrows(
                IllegalArgumentException.class,
                () -> DevToken.mint(new String[] {"--secret", "short", "--sub", "bob"}, Map.of(), clock));
        assertThrows(
                IllegalArgumentException.class,
                () -> DevToken.mint(new String[] {"--secret", SECRET}, Map.of(), clock));
        assertThrows(
                IllegalArgumentException.class,
                () -> DevToken.mint(
                        new String[] {"--secret", SECRET, "--sub", "b", "--room", "doc-1=admin"}, Map.of(), clock));
        assertThrows(
                IllegalArgumentException.class,
                () -> DevToken.mint(new String[] {"--secret", SECRET, "--sub", "b", "--ttl", "soon"}, Map.of(), clock));
        assertThrows(
                IllegalArgumentException.class,
                () -> DevToken.mint(new String[] {"--secret", SECRET, "--sub"}, Map.of(), clock));
        assertThrows(
                IllegalArgumentException.class,
                () -> DevToken.mint(new String[] {"--secret", SECRET, "--sub", "b", "--bogus", "x"}, Map.of(), clock));
    }
}
