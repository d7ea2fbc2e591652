package org.civicpress.realtime.http;

import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.connection.HocuspocusConnection;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.services.AuthService;

/**
 * The Hocuspocus endpoint ({@code hocuspocus.path}, default {@code /hocuspocus}): what runs behind each of its
 * WebSockets ({@link HocuspocusConnection}); admission is {@link RoomSockets}'s, as for {@code /realtime}.
 * Document names are room ids and follow the same rules ({@link RoomIds}).
 */
final class HocuspocusSockets {
    private final String path;
    private final RoomSettings roomSettings;
    private final AuthService auth;
    private final HocuspocusConnection.Settings settings;

    HocuspocusSockets(
            RealtimeConfig.Hocuspocus config,
            RealtimeConfig.Auth authConfig,
            RoomSettings roomSettings,
            AuthService auth) {
        this.path = config.path();
        this.roomSettings = roomSettings;
        this.auth = auth;
        this.settings = new HocuspocusConnection.Settings(
                config.relayStateless(),
                authConfig.maxPendingMessages(),
                authConfig.maxPendingBytes(),
                config.maxDocumentsPerSocket());
    }

    String path() {
        return path;
    }

    RoomSockets.ConnectionFactory connectionFactory(String remote, String correlationId) {
        return (socketId, socket) -> HocuspocusConnection.forSocket(
                socketId, remote, correlationId, socket, roomSettings, auth, settings, RoomIds::isValid);
    }
}
