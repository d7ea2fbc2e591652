package org.civicpress.realtime.auth;

import java.util.Locale;
import java.util.Optional;

/** Where a request's bearer token is found. */
public final class Tokens {
    /** Longer tokens are refused before any parsing (a real JWT with a few hundred room patterns is far below). */
    public static final int MAX_TOKEN_CHARS = 16 * 1024;
    /** The query parameter y-websocket's {@code params: { token }} sends. */
    public static final String QUERY_PARAMETER = "token";

    private Tokens() {}

    /**
     * The token of a request: the {@code token} query parameter (browsers cannot set headers on a WebSocket),
     * else an {@code Authorization: Bearer} header; empty when neither carries a non-blank token.
     */
    public static Optional<String> fromRequest(String queryToken, String authorizationHeader) {
        if (queryToken != null && !queryToken.isBlank()) return Optional.of(queryToken.trim());
        if (authorizationHeader != null) {
            String h = authorizationHeader.trim();
            if (h.length() > 7 && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                String t = h.substring(7).trim();
                if (!t.isEmpty()) return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** True when {@code token} has the shape of a compact JWS/JWT (three base64url parts). */
    public static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        if (first <= 0) return false;
        int second = token.indexOf('.', first + 1);
        return second > first + 1 && token.indexOf('.', second + 1) < 0;
    }
}
