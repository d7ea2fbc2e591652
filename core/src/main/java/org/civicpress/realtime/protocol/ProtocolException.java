package org.civicpress.realtime.protocol;

import org.civicpress.realtime.errors.CloseCodes;

/**
 * A y-websocket frame that cannot be understood: truncated, unknown message type, malformed
 * awareness JSON or a Yjs update/state vector the engine rejects. The connection that sent it is
 * closed with {@link #closeCode()} (4400); the room's state is untouched.
 */
public final class ProtocolException extends RuntimeException {

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    public int closeCode() {
        return CloseCodes.INVALID_MESSAGE.code();
    }
}
