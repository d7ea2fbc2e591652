package org.civicpress.realtime.auth;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who a connection or HTTP request acts as: the user id ({@code sub}), roles, the rooms it may read or write
 * and when its token expires (null: never, e.g. the anonymous principal of the development mode).
 */
public record Principal(String userId, Kind kind, Set<String> roles, RoomGrants rooms, Instant expiresAt) {
    /** The role that grants the admin HTTP surfaces. */
    public static final String ADMIN_ROLE = "realtime:admin";
    /** Longest accepted user id; longer {@code sub} claims refuse the token (they end up in logs and journals). */
    public static final int MAX_USER_ID_LENGTH = 256;

    public enum Kind {
        USER,
        ANONYMOUS,
        SERVICE
    }

    public Principal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(kind, "kind");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(rooms, "rooms");
    }

    /** A connection without a token while {@code auth.allow_anonymous} is on: may write every room. */
    public static Principal anonymous(String connectionId) {
        return new Principal("anonymous:" + connectionId, Kind.ANONYMOUS, Set.of(), RoomGrants.ALL_WRITE, null);
    }

    /** A trusted back-end caller presenting {@code auth.service_token}: every room, admin surfaces. */
    public static Principal forService() {
        return new Principal("service", Kind.SERVICE, Set.of(ADMIN_ROLE), RoomGrants.ALL_WRITE, null);
    }

    /**
     * A user from verified claims ({@code sub}, {@code rooms}, {@code roles}) as JSON values: the same
     * reading for JWT claims and introspection answers.
     *
     * @throws IllegalArgumentException with a client-safe reason when a claim is missing or malformed
     */
    public static Principal fromClaims(Map<String, ?> claims, Instant expiresAt) {
        Object sub = claims.get("sub");
        if (!(sub instanceof String s) || s.isBlank()) throw new IllegalArgumentException("the sub claim is missing");
        if (s.length() > MAX_USER_ID_LENGTH) throw new IllegalArgumentException("the sub claim is too long");
        Object rolesClaim = claims.get("roles");
        Set<String> roles = Set.of();
        if (rolesClaim != null) {
            if (!(rolesClaim instanceof Collection<?> list)
                    || list.size() > 100
                    || !list.stream().allMatch(r -> r instanceof String)) {
                throw new IllegalArgumentException("the roles claim must be an array of strings");
            }
            roles = Set.copyOf(list.stream().map(String.class::cast).toList());
        }
        return new Principal(s, Kind.USER, roles, RoomGrants.fromClaim(claims.get("rooms")), expiresAt);
    }

    public boolean anonymous() {
        return kind == Kind.ANONYMOUS;
    }

    public boolean service() {
        return kind == Kind.SERVICE;
    }

    /** True when the principal may use the admin HTTP surfaces. */
    public boolean admin() {
        return roles.contains(ADMIN_ROLE);
    }

    public RoomAccess accessTo(String roomId) {
        return rooms.accessTo(roomId);
    }

    /** True once the token's {@code exp} has passed (never for principals without expiry). */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** The user id for hook events and journals: null for anonymous connections (they have no stable id). */
    public String userIdOrNull() {
        return anonymous() ? null : userId;
    }
}
