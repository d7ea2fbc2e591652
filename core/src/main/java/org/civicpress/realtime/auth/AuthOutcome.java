package org.civicpress.realtime.auth;

import java.util.Map;
import java.util.Optional;
import org.civicpress.realtime.errors.AuthenticationFailedError;
import org.civicpress.realtime.errors.PermissionDeniedError;
import org.civicpress.realtime.errors.RealtimeError;

/**
 * The result of authenticating a token (and, for rooms and admin surfaces, authorizing it). The failure
 * variants carry the seed error to raise: {@link AuthenticationFailedError} (HTTP 401, close 4401) for a
 * missing or invalid token, {@link PermissionDeniedError} (HTTP 403, close 4403) for a valid token without
 * access. Reasons are safe to send to the client: they never contain the token.
 */
public sealed interface AuthOutcome {

    /** Why a token was refused; {@code UNAVAILABLE} means it could not be checked (and so is refused). */
    enum Failure {
        MALFORMED,
        UNSUPPORTED_ALGORITHM,
        BAD_SIGNATURE,
        UNKNOWN_KEY,
        EXPIRED,
        NOT_YET_VALID,
        WRONG_ISSUER,
        WRONG_AUDIENCE,
        BAD_CLAIMS,
        REJECTED,
        UNAVAILABLE
    }

    /** The token is valid (or absent while anonymous access is on); for a room, the principal may at least read it. */
    record Authenticated(Principal principal) implements AuthOutcome {}

    /** No token while anonymous access is off (4401). */
    record MissingToken() implements AuthOutcome {}

    /** Forged, expired, malformed, wrong issuer or audience, rejected or unverifiable token (4401). */
    record InvalidToken(Failure failure, String reason) implements AuthOutcome {}

    /** A valid token that gives no access to {@code resource} (a room id, or "admin") (4403). */
    record NoAccess(Principal principal, String resource) implements AuthOutcome {}

    static AuthOutcome invalid(Failure failure, String reason) {
        return new InvalidToken(failure, reason);
    }

    /** What to tell a connection whose token expires while it is open (close 4401). */
    static AuthOutcome sessionExpired() {
        return new InvalidToken(Failure.EXPIRED, "the token expired during the session");
    }

    /** {@code principal} for {@code roomId}: Authenticated when it may at least read, NoAccess otherwise. */
    static AuthOutcome forRoom(Principal principal, String roomId) {
        return principal.accessTo(roomId).canRead() ? new Authenticated(principal) : new NoAccess(principal, roomId);
    }

    default boolean isAuthenticated() {
        return this instanceof Authenticated;
    }

    /** The principal of an Authenticated outcome. */
    default Optional<Principal> authenticatedPrincipal() {
        return this instanceof Authenticated a ? Optional.of(a.principal()) : Optional.empty();
    }

    /**
     * The typed error of a failure, empty for Authenticated: its {@code wsCloseCode()} (4401/4403),
     * {@code httpStatus()}, {@code getMessage()} (the reason for the y-protocols permission-denied message)
     * and {@code toJson()} are what the routes send.
     */
    default Optional<RealtimeError> error() {
        if (this instanceof MissingToken) {
            return Optional.of(new AuthenticationFailedError("a token is required", Map.of("reason", "MISSING_TOKEN")));
        }
        if (this instanceof InvalidToken t) {
            return Optional.of(new AuthenticationFailedError(
                    t.reason(), Map.of("reason", t.failure().name())));
        }
        if (this instanceof NoAccess n) {
            return Optional.of(new PermissionDeniedError(
                    "no access to " + n.resource(), Map.of("reason", "NO_ACCESS", "resource", n.resource())));
        }
        return Optional.empty();
    }
}
