package org.civicpress.realtime.http;

import java.net.InetAddress;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.civicpress.realtime.auth.AuthOutcome;
import org.civicpress.realtime.auth.Principal;
import org.civicpress.realtime.auth.Tokens;
import org.civicpress.realtime.errors.RealtimeError;
import org.civicpress.realtime.services.AuthService;

/**
 * The guard of every HTTP surface that shows room ids, users, document content or cluster layout
 * (docs/security.md): the request's token ({@code Authorization: Bearer} or {@code ?token=}) must carry the
 * {@code realtime:admin} role ({@link AuthService#authorizeAdmin}). With {@code auth.allow_anonymous} on and
 * no token, auth is off and the surface is open. Refused: 401 (missing or invalid token, with
 * {@code WWW-Authenticate: Bearer}) or 403 (valid token without the role), with the JSON error body of
 * {@link HttpErrors}. Use inside {@link HttpErrors#withCorrelationAndJsonErrors}:
 * <pre>
 * path("admin/rooms", () -&gt; get(() -&gt; adminAuth.require(correlationId, principal -&gt; listRooms())))
 * </pre>
 * Non-blocking: the route continues when the auth stage completes (possibly on an HTTP client thread).
 */
final class AdminAuth extends AllDirectives {
    private final AuthService authService;

    AdminAuth(AuthService authService) {
        this.authService = authService;
    }

    /** Runs {@code inner} with the admin principal, or answers 401/403. */
    Route require(String correlationId, Function<Principal, Route> inner) {
        return extractRequest(request -> onSuccess(() -> authService.authorizeAdmin(tokenOf(request)), outcome -> {
            if (outcome instanceof AuthOutcome.Authenticated authenticated) {
                return inner.apply(authenticated.principal());
            }
            return complete(refusal(outcome.error().orElseThrow(), correlationId, request));
        }));
    }

    /**
     * As {@link #require}, but a client connecting from a loopback address passes without a token (the
     * node's own scraper or a {@code kubectl port-forward}); used by {@code /metrics}. The address is the TCP
     * peer's, never a forwarding header: a reverse proxy on the same host makes its clients loopback clients.
     */
    Route requireUnlessLoopback(String correlationId, Supplier<Route> inner) {
        return extractRequest(
                request -> isLoopback(request) ? inner.get() : require(correlationId, principal -> inner.get()));
    }

    /** The request's bearer token ({@code ?token=} first, then {@code Authorization: Bearer}), null for none. */
    static String tokenOf(HttpRequest request) {
        String query = request.getUri().query().get(Tokens.QUERY_PARAMETER).orElse(null);
        String header = request.getHeader("Authorization").map(h -> h.value()).orElse(null);
        return Tokens.fromRequest(query, header).orElse(null);
    }

    static boolean isLoopback(HttpRequest request) {
        return request.getAttribute(AttributeKeys.remoteAddress)
                .flatMap(address -> address.getAddress())
                .map(InetAddress::isLoopbackAddress)
                .orElse(false);
    }

    private static HttpResponse refusal(RealtimeError error, String correlationId, HttpRequest request) {
        HttpResponse response = HttpErrors.respond(error, correlationId, request);
        return error.httpStatus() == 401
                ? response.addHeader(RawHeader.create("WWW-Authenticate", "Bearer"))
                : response;
    }
}
