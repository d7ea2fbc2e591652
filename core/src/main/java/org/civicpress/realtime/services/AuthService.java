package org.civicpress.realtime.services;

import org.civicpress.realtime.errors.AuthenticationFailedError;
import org.civicpress.realtime.errors.PermissionDeniedError;

/** Authenticates a WebSocket upgrade and authorizes access to a room. */
public interface AuthService {

    /**
     * @param token the bearer token of the request (query parameter or header), null when absent
     * @throws AuthenticationFailedError when the token is invalid, or absent and anonymous access is off
     */
    Principal authenticate(String roomId, String connectionId, String token, String remoteAddress);

    /** @throws PermissionDeniedError when {@code principal} may not use {@code roomId} */
    void authorize(Principal principal, String roomId, Access access);

    enum Access { READ, WRITE }
}
