package org.civicpress.realtime.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.civicpress.realtime.errors.AuthenticationFailedError;
import org.civicpress.realtime.errors.PermissionDeniedError;
import org.junit.jupiter.api.Test;

class RoomGrantsTest {

    @Test
    void mostSpecificPatternWins() {
        RoomGrants g = RoomGrants.fromClaim(
                Map.of("doc-*", "write", "doc-7", "read", "d*", "read", "doc-1*", "read", "minutes-2026", "write"));
        assertEquals(RoomAccess.READ, g.accessTo("doc-7"), "exact beats prefix");
        assertEquals(RoomAccess.WRITE, g.accessTo("doc-8"));
        assertEquals(RoomAccess.WRITE, g.accessTo("doc-70"), "doc-7 is exact, not a prefix");
        assertEquals(RoomAccess.READ, g.accessTo("doc-12"), "longer prefix beats shorter");
        assertEquals(RoomAccess.READ, g.accessTo("dx"));
        assertEquals(RoomAccess.WRITE, g.accessTo("minutes-2026"));
        assertEquals(RoomAccess.NONE, g.accessTo("minutes-2025"), "no match, no access");
        assertEquals(RoomAccess.NONE, g.accessTo("other"));
    }

    @Test
    void starAloneMatchesEverythingAndNoClaimMeansNothing() {
        assertEquals(RoomAccess.WRITE, RoomGrants.ALL_WRITE.accessTo("anything"));
        assertEquals(RoomAccess.READ, RoomGrants.fromClaim(Map.of("*", "read")).accessTo("x"));
        assertEquals(RoomAccess.NONE, RoomGrants.fromClaim(null).accessTo("x"));
        assertEquals(RoomAccess.NONE, RoomGrants.fromClaim(Map.of()).accessTo("x"));
        assertEquals(RoomAccess.NONE, RoomGrants.ALL_WRITE.accessTo(null));
    }

    @Test
    void malformedClaimsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RoomGrants.fromClaim(List.of("doc-1")));
        assertThrows(IllegalArgumentException.class, () -> RoomGrants.fromClaim(Map.of("doc-1", "admin")));
        assertThrows(IllegalArgumentException.class, () -> RoomGrants.fromClaim(Map.of("doc-1", true)));
        assertThrows(IllegalArgumentException.class, () -> RoomGrants.fromClaim(Map.of("", "read")));
        assertThrows(IllegalArgumentException.class, () -> RoomGrants.fromClaim(Map.of("d*c", "read")));
    }

    @Test
    void principalFromClaims() {
        Instant exp = Instant.parse("2030-01-01T00:00:00Z");
        Principal p = Principal.fromClaims(
                Map.of("sub", "alice", "roles", List.of("realtime:admin", "x"), "rooms", Map.of("doc-*", "write")),
                exp);
        assertEquals("alice", p.userId());
        assertTrue(p.admin());
        assertEquals(RoomAccess.WRITE, p.accessTo("doc-1"));
        assertEquals(RoomAccess.NONE, p.accessTo("minutes"));
        assertFalse(p.expiredAt(exp.minusSeconds(1)));
        assertTrue(p.expiredAt(exp));
        assertEquals("alice", p.userIdOrNull());
        assertFalse(Principal.fromClaims(Map.of("sub", "bob"), null).admin());
        assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(Map.of("rooms", Map.of()), null));
        assertThrows(IllegalArgumentException.class, () -> Principal.fromClaims(Map.of("sub", ""), null));
        assertThrows(
                IllegalArgumentException.class, () -> Principal.fromClaims(Map.of("sub", "a", "roles", "x"), null));
        assertThrows(
                IllegalArgumentException.class,
                () -> Principal.fromClaims(Map.of("sub", "a".repeat(Principal.MAX_USER_ID_LENGTH + 1)), null));

        Principal anon = Principal.anonymous("c-1");
        assertTrue(anon.anonymous());
        assertEquals(RoomAccess.WRITE, anon.accessTo("any-room"));
        assertFalse(anon.admin());
        assertEquals(null, anon.userIdOrNull());
    }

    @Test
    void outcomesMapToTheSeedErrors() {
        Principal p = Principal.fromClaims(Map.of("sub", "alice", "rooms", Map.of("doc-7", "read")), null);
        AuthOutcome granted = AuthOutcome.forRoom(p, "doc-7");
        assertTrue(granted.isAuthenticated());
        assertTrue(granted.error().isEmpty());
        assertFalse(
                granted.authenticatedPrincipal().orElseThrow().accessTo("doc-7").canWrite());

        AuthOutcome denied = AuthOutcome.forRoom(p, "doc-8");
        PermissionDeniedError pd =
                assertInstanceOf(PermissionDeniedError.class, denied.error().orElseThrow());
        assertEquals(4403, pd.wsCloseCode());
        assertEquals(403, pd.httpStatus());

        var missing = assertInstanceOf(
                AuthenticationFailedError.class,
                new AuthOutcome.MissingToken().error().orElseThrow());
        assertEquals(4401, missing.wsCloseCode());
        var expired = assertInstanceOf(
                AuthenticationFailedError.class,
                AuthOutcome.sessionExpired().error().orElseThrow());
        assertEquals(4401, expired.wsCloseCode());
        assertEquals("EXPIRED", expired.details().get("reason"));
    }

    @Test
    void tokenExtraction() {
        assertEquals("q", Tokens.fromRequest("q", "Bearer h").orElseThrow());
        assertEquals("h", Tokens.fromRequest(null, "Bearer h").orElseThrow());
        assertEquals("h", Tokens.fromRequest(" ", "bearer  h ").orElseThrow());
        assertTrue(Tokens.fromRequest(null, "Basic xyz").isEmpty());
        assertTrue(Tokens.fromRequest(null, "Bearer ").isEmpty());
        assertTrue(Tokens.fromRequest("", null).isEmpty());
        assertTrue(Tokens.looksLikeJwt("a.b.c"));
        assertTrue(Tokens.looksLikeJwt("a.b."));
        assertFalse(Tokens.looksLikeJwt("opaque-token"));
        assertFalse(Tokens.looksLikeJwt("a.b.c.d.e"));
    }
}
