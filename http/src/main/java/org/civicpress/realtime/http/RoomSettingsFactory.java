package org.civicpress.realtime.http;

import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.room.RoomSettings;

/** Maps the validated realtime configuration onto the settings every room of this node uses. */
final class RoomSettingsFactory {
    private RoomSettingsFactory() {
    }

    static RoomSettings from(RealtimeConfig config) {
        RealtimeConfig.Snapshots snapshots = config.snapshots();
        return new RoomSettings(
                snapshots.maxUpdates(),
                snapshots.interval(),
                snapshots.enabled(),
                snapshots.deleteEventsOnSnapshot(),
                config.rooms().cleanupTimeout(),
                config.rooms().maxRooms(),
                config.websocket().awarenessTimeout(),
                config.websocket().maxMessageBytes(),
                config.cluster().nodeName());
    }
}
