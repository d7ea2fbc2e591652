package org.civicpress.realtime.protocol;

import org.civicpress.ycrdt.lib0.Encoder;

/**
 * The auth sub-protocol of y-protocols (auth.js), wrapped in the y-websocket frame: the server tells a
 * client why it is refused before closing the socket (y-websocket calls its permission-denied handler).
 */
public final class AuthProtocol {
    /** y-protocols {@code messagePermissionDenied}, the only auth message type. */
    public static final int PERMISSION_DENIED = 0;

    private AuthProtocol() {}

    /** {@code messageAuth (2), permissionDenied (0), varString reason}. */
    public static byte[] encodePermissionDenied(String reason) {
        String text = reason == null ? "" : reason;
        Encoder e = new Encoder(text.length() + 8);
        e.writeVarUint(MessageType.AUTH);
        e.writeVarUint(PERMISSION_DENIED);
        e.writeVarString(text);
        return e.toUint8Array();
    }
}
