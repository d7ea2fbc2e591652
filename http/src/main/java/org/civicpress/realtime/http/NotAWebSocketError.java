package org.civicpress.realtime.http;

import java.util.Map;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.RealtimeError;

/** A plain HTTP request on the WebSocket path: HTTP 400 with the usual error body. */
public final class NotAWebSocketError extends RealtimeError {
    public NotAWebSocketError(String roomId) {
        super("WEBSOCKET_UPGRADE_REQUIRED", 400, CloseCodes.INVALID_MESSAGE,
                "this endpoint only accepts WebSocket upgrade requests", Map.of("roomId", roomId), null, null);
    }
}
