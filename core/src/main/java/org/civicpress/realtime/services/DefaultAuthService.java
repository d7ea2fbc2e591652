package org.civicpress.realtime.services;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.errors.AuthenticationFailedError;

/**
 * Default authentication: no token = anonymous (when {@code auth.allow_anonymous}); the configured
 * service token = a trusted service principal; any other token goes to the pluggable verifier
 * (CivicPress session check), and is rejected when there is none. Everyone may use every room.
 */
public final class DefaultAuthService implements AuthService {
    private final RealtimeConfig.Auth config;
    private final Function<String, Optional<Principal>> tokenVerifier;

    public DefaultAuthService(RealtimeConfig.Auth config) {
        this(config, token -> Optional.empty());
    }

    public DefaultAuthService(RealtimeConfig.Auth config, Function<String, Optional<Principal>> tokenVerifier) {
        this.config = config;
        this.tokenVerifier = tokenVerifier;
    }

    @Override
    public Principal authenticate(String roomId, String connectionId, String token, String remoteAddress) {
        if (token == null || token.isEmpty()) {
            if (config.allowAnonymous()) return Principal.anonymous(connectionId);
            throw new AuthenticationFailedError("A token is required", Map.of("roomId", roomId));
        }
        if (config.serviceToken() != null && constantTimeEquals(config.serviceToken(), token)) {
            return new Principal("service", false, true);
        }
        return tokenVerifier.apply(token).orElseThrow(() ->
                new AuthenticationFailedError("Invalid token", Map.of("roomId", roomId)));
    }

    @Override
    public void authorize(Principal principal, String roomId, Access access) {
        // Room-level permissions are not modelled yet: an authenticated principal may use every room.
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
