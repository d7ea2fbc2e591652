package org.civicpress.realtime.room;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.civicpress.realtime.config.RealtimeConfig;

/**
 * Per-node settings of room entities (built from the realtime configuration).
 *
 * @param snapshotEveryUpdates a snapshot after this many journaled updates since the last one
 * @param snapshotInterval     a snapshot after this much time if there were updates since the last one
 * @param snapshotsEnabled     false: never snapshot, recovery replays the whole journal
 * @param deleteEventsOnSnapshot after each snapshot, delete the events the previous (older kept) snapshot covers
 * @param cleanupTimeout       a room with no joined connection stops after this long ({@code rooms.cleanup_timeout})
 * @param maxRoomsPerNode      live room incarnations allowed on one node
 * @param awarenessTimeout     awareness states not renewed for this long are removed
 * @param maxMessageBytes      largest frame accepted (enforced by the http layer)
 * @param nodeName             reported in hook events
 * @param retainEventsFor      events younger than this survive snapshot retention, for history
 *                             ({@code history.retain_events}); zero = delete what snapshots cover right away
 */
public record RoomSettings(
        int snapshotEveryUpdates,
        Duration snapshotInterval,
        boolean snapshotsEnabled,
        boolean deleteEventsOnSnapshot,
        Duration cleanupTimeout,
        int maxRoomsPerNode,
        Duration awarenessTimeout,
        int maxMessageBytes,
        String nodeName,
        Duration retainEventsFor) {

    public RoomSettings {
        List<String> problems = new ArrayList<>();
        if (snapshotEveryUpdates <= 0) problems.add("snapshotEveryUpdates must be > 0, was " + snapshotEveryUpdates);
        if (!positive(snapshotInterval)) problems.add("snapshotInterval must be > 0, was " + snapshotInterval);
        if (!positive(cleanupTimeout)) problems.add("cleanupTimeout must be > 0, was " + cleanupTimeout);
        if (maxRoomsPerNode <= 0) problems.add("maxRoomsPerNode must be > 0, was " + maxRoomsPerNode);
        if (!positive(awarenessTimeout)) problems.add("awarenessTimeout must be > 0, was " + awarenessTimeout);
        if (maxMessageBytes <= 0) problems.add("maxMessageBytes must be > 0, was " + maxMessageBytes);
        if (!problems.isEmpty()) throw new IllegalArgumentException("invalid room settings: " + String.join("; ", problems));
        if (nodeName == null || nodeName.isBlank()) nodeName = "local";
        if (retainEventsFor == null || retainEventsFor.isNegative()) retainEventsFor = Duration.ZERO;
    }

    /** Without history retention (the constructor before history and audit). */
    public RoomSettings(int snapshotEveryUpdates, Duration snapshotInterval, boolean snapshotsEnabled,
                        boolean deleteEventsOnSnapshot, Duration cleanupTimeout, int maxRoomsPerNode,
                        Duration awarenessTimeout, int maxMessageBytes, String nodeName) {
        this(snapshotEveryUpdates, snapshotInterval, snapshotsEnabled, deleteEventsOnSnapshot, cleanupTimeout,
                maxRoomsPerNode, awarenessTimeout, maxMessageBytes, nodeName, Duration.ZERO);
    }

    /** The validated realtime configuration mapped onto the settings every room of this node uses. */
    public static RoomSettings from(RealtimeConfig config) {
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
                config.cluster().nodeName(),
                config.history().retainEvents());
    }

    /** The documented defaults of the realtime module (written once, in {@link RealtimeConfig}), node "local". */
    public static RoomSettings defaults() {
        return from(RealtimeConfig.defaults(Path.of(".system-data"))).withNodeName("local");
    }

    public RoomSettings withSnapshotEveryUpdates(int n) {
        return new RoomSettings(n, snapshotInterval, snapshotsEnabled, deleteEventsOnSnapshot, cleanupTimeout,
                maxRoomsPerNode, awarenessTimeout, maxMessageBytes, nodeName, retainEventsFor);
    }

    public RoomSettings withSnapshotInterval(Duration d) {
        return new RoomSettings(snapshotEveryUpdates, d, snapshotsEnabled, deleteEventsOnSnapshot, cleanupTimeout,
                maxRoomsPerNode, awarenessTimeout, maxMessageBytes, nodeName, retainEventsFor);
    }

    public RoomSettings withSnapshotsEnabled(boolean enabled) {
        return new RoomSettings(snapshotEveryUpdates, snapshotInterval, enabled, deleteEventsOnSnapshot,
                cleanupTimeout, maxRoomsPerNode, awarenessTimeout, maxMessageBytes, nodeName, retainEventsFor);
    }

    public RoomSettings withCleanupTimeout(Duration d) {
        return new RoomSettings(snapshotEveryUpdates, snapshotInterval, snapshotsEnabled, deleteEventsOnSnapshot, d,
                maxRoomsPerNode, awarenessTimeout, maxMessageBytes, nodeName, retainEventsFor);
    }

    public RoomSettings withMaxRoomsPerNode(int n) {
        return new RoomSettings(snapshotEveryUpdates, snapshotInterval, snapshotsEnabled, deleteEventsOnSnapshot,
                cleanupTimeout, n, awarenessTimeout, maxMessageBytes, nodeName, retainEventsFor);
    }

    public RoomSettings withAwarenessTimeout(Duration d) {
        return new RoomSettings(snapshotEveryUpdates, snapshotInterval, snapshotsEnabled, deleteEventsOnSnapshot,
                cleanupTimeout, maxRoomsPerNode, d, maxMessageBytes, nodeName, retainEventsFor);
    }

    public RoomSettings withNodeName(String name) {
        return new RoomSettings(snapshotEveryUpdates, snapshotInterval, snapshotsEnabled, deleteEventsOnSnapshot,
                cleanupTimeout, maxRoomsPerNode, awarenessTimeout, maxMessageBytes, name, retainEventsFor);
    }

    public RoomSettings withRetainEventsFor(Duration d) {
        return new RoomSettings(snapshotEveryUpdates, snapshotInterval, snapshotsEnabled, deleteEventsOnSnapshot,
                cleanupTimeout, maxRoomsPerNode, awarenessTimeout, maxMessageBytes, nodeName, d);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
