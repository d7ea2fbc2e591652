package org.civicpress.realtime.services;

import java.util.concurrent.CompletionStage;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.Principal;

/**
 * Authenticates bearer tokens and authorizes rooms and the admin surfaces (docs/security.md). Every method
 * is non-blocking and never completes exceptionally: failures are {@link AuthOutcome} variants whose
 * {@link AuthOutcome#error()} is the seed error to raise (4401 / 4403).
 */
public interface AuthService {

    /**
     * Who the bearer of {@code token} is. A null or blank token is the anonymous principal while
     * {@code auth.allow_anonymous} is on, {@link AuthOutcome.MissingToken} otherwise; a present token is
     * always verified.
     *
     * @param connectionId names the anonymous principal ({@code anonymous:<connectionId>})
     */
    CompletionStage<AuthOutcome> authenticate(String token, String connectionId);

    /**
     * {@link #authenticate} followed by {@link #authorize}: Authenticated when the principal may at least read
     * {@code roomId} ({@code principal.accessTo(roomId).canWrite()} says whether it may edit), NoAccess
     * otherwise.
     */
    default CompletionStage<AuthOutcome> authorizeRoom(String token, String roomId, String connectionId) {
        return authenticate(token, connectionId)
                .thenApply(o -> o instanceof AuthOutcome.Authenticated a ? authorize(a.principal(), roomId) : o);
    }

    /** Authenticated when {@code principal} may at least read {@code roomId}, NoAccess otherwise. */
    default AuthOutcome authorize(Principal principal, String roomId) {
        return AuthOutcome.forRoom(principal, roomId);
    }

    /**
     * For the HTTP surfaces that show room ids, users or document content: with anonymous access on and no
     * token, Authenticated (auth is off); otherwise the token must carry the {@code realtime:admin} role
     * (NoAccess with resource "admin" when it does not).
     */
    CompletionStage<AuthOutcome> authorizeAdmin(String token);
}
