package org.civicpress.realtime.http;

import java.util.Map;
import org.civicpress.realtime.errors.ErrorCode;
import org.civicpress.realtime.errors.RealtimeError;

/** A plain HTTP request on the WebSocket path: HTTP 400 with the usual error body. */
public final class NotAWebSocketError extends RealtimeError {
    public NotAWebSocketError(String roomId) {
        this(roomId, null);
    }

    public NotAWebSocketError(String roomId, String correlationId) {
        super(
                ErrorCode.WEBSOCKET_UPGRADE_REQUIRED,
                "this endpoint only accepts WebSocket upgrade requests",
                Map.of("roomId", roomId),
                correlationId,
                null);
    }
}
