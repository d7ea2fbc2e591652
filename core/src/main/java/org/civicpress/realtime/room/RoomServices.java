package org.civicpress.realtime.room;

import java.util.Objects;
import org.civicpress.realtime.api.CivicPressApiClient;
import org.civicpress.realtime.api.DocumentApi;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.roomtypes.RoomTypes;

/**
 * What every room of a node shares: the hook bus, the node's metrics, the room type registry and the
 * CivicPress API ({@code api} null = no API integration).
 */
public record RoomServices(HookSystem hooks, RealtimeMetrics metrics, RoomTypes roomTypes, DocumentApi api) {

    public RoomServices {
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(roomTypes, "roomTypes");
    }

    /** Hooks only: private metrics nobody scrapes, the default room types, no API. */
    public static RoomServices defaults(HookSystem hooks) {
        return new RoomServices(hooks, new RealtimeMetrics(), RoomTypes.defaults(), null);
    }

    /** Production wiring: the default room types and an API client when {@code config.api()} configures one. */
    public static RoomServices from(RealtimeConfig config, HookSystem hooks, RealtimeMetrics metrics) {
        return new RoomServices(hooks, metrics, RoomTypes.defaults(), CivicPressApiClient.fromConfig(config.api()));
    }

    public RoomServices withRoomTypes(RoomTypes types) {
        return new RoomServices(hooks, metrics, types, api);
    }

    public RoomServices withApi(DocumentApi documentApi) {
        return new RoomServices(hooks, metrics, roomTypes, documentApi);
    }

    public RoomServices withMetrics(RealtimeMetrics m) {
        return new RoomServices(hooks, m, roomTypes, api);
    }
}
