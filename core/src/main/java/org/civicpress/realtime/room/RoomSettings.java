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
 * @param limits               what one update or awareness message may add to a room (see {@link Limits})
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
        Limits limits,
        Duration retainEventsFor) {

    /**
     * Room-side limits on client input (checked before it touches the room; see docs/security.md).
     *
     * @param maxDocumentBytes    {@code rooms.max_document_bytes}: largest encoded document an update may produce
     * @param maxPendingBytes     {@code rooms.max_pending_bytes}: most bytes of updates waiting for missing
     *                            dependencies an update may leave in the room
     * @param maxAwarenessBytes   {@code websocket.max_awareness_bytes}: largest awareness state (JSON, UTF-8)
     * @param maxAwarenessClients {@code websocket.max_awareness_clients}: awareness client ids per connection
     */
    public record Limits(int maxDocumentBytes, int maxPendingBytes, int maxAwarenessBytes, int maxAwarenessClients) {
        public static final Limits DEFAULTS = new Limits(
                RealtimeConfig.Rooms.DEFAULT_MAX_DOCUMENT_BYTES,
                RealtimeConfig.Rooms.DEFAULT_MAX_PENDING_BYTES,
                RealtimeConfig.Websocket.DEFAULTS.maxAwarenessBytes(),
                RealtimeConfig.Websocket.DEFAULTS.maxAwarenessClients());

        public Limits {
            if (maxDocumentBytes <= 0 || maxPendingBytes <= 0 || maxAwarenessBytes <= 0 || maxAwarenessClients <= 0) {
                throw new IllegalArgumentException("room limits must be > 0: " + maxDocumentBytes + ", "
                        + maxPendingBytes + ", " + maxAwarenessBytes + ", " + maxAwarenessClients);
            }
        }

        static Limits from(RealtimeConfig config) {
            return new Limits(
                    config.rooms().maxDocumentBytes(),
                    config.rooms().maxPendingBytes(),
                    config.websocket().maxAwarenessBytes(),
                    config.websocket().maxAwarenessClients());
        }
    }

    /** With the default {@link Limits} and no history retention (the shape before either existed). */
    public RoomSettings(
            int snapshotEveryUpdates,
            Duration snapshotInterval,
            boolean snapshotsEnabled,
            boolean deleteEventsOnSnapshot,
            Duration cleanupTimeout,
            int maxRoomsPerNode,
            Duration awarenessTimeout,
            int maxMessageBytes,
            String nodeName) {
        this(
                snapshotEveryUpdates,
                snapshotInterval,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                maxRoomsPerNode,
                awarenessTimeout,
                maxMessageBytes,
                nodeName,
                Limits.DEFAULTS,
                Duration.ZERO);
    }

    public RoomSettings {
        List<String> problems = new ArrayList<>();
        if (snapshotEveryUpdates <= 0) problems.add("snapshotEveryUpdates must be > 0, was " + snapshotEveryUpdates);
        if (!positive(snapshotInterval)) problems.add("snapshotInterval must be > 0, was " + snapshotInterval);
        if (!positive(cleanupTimeout)) problems.add("cleanupTimeout must be > 0, was " + cleanupTimeout);
        if (maxRoomsPerNode <= 0) problems.add("maxRoomsPerNode must be > 0, was " + maxRoomsPerNode);
        if (!positive(awarenessTimeout)) problems.add("awarenessTimeout must be > 0, was " + awarenessTimeout);
        if (maxMessageBytes <= 0) problems.add("maxMessageBytes must be > 0, was " + maxMessageBytes);
        if (!problems.isEmpty())
            throw new IllegalArgumentException("invalid room settings: " + String.join("; ", problems));
        if (nodeName == null || nodeName.isBlank()) nodeName = "local";
        if (limits == null) limits = Limits.DEFAULTS;
        if (retainEventsFor == null || retainEventsFor.isNegative()) retainEventsFor = Duration.ZERO;
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
                Limits.from(config),
                config.history().retainEvents());
    }

    /** The documented defaults of the realtime module (written once, in {@link RealtimeConfig}), node "local". */
    public static RoomSettings defaults() {
        return from(RealtimeConfig.defaults(Path.of(".system-data"))).withNodeName("local");
    }

    public RoomSettings withSnapshotEveryUpdates(int n) {
        return new RoomSettings(
                n,
                snapshotInterval,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                maxRoomsPerNode,
                awarenessTimeout,
                maxMessageBytes,
                nodeName,
                limits,
                retainEventsFor);
    }

    public RoomSettings withSnapshotInterval(Duration d) {
        return new RoomSettings(
                snapshotEveryUpdates,
                d,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                maxRoomsPerNode,
                awarenessTimeout,
                maxMessageBytes,
                nodeName,
                limits,
                retainEventsFor);
    }

    public RoomSettings withSnapshotsEnabled(boolean enabled) {
        return new RoomSettings(
                snapshotEveryUpdates,
                snapshotInterval,
                enabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                maxRoomsPerNode,
                awarenessTimeout,
                maxMessageBytes,
                nodeName,
                limits,
                retainEventsFor);
    }

    public RoomSettings withCleanupTimeout(Duration d) {
        return new RoomSettings(
                snapshotEveryUpdates,
                snapshotInterval,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                d,
                maxRoomsPerNode,
                awarenessTimeout,
                maxMessageBytes,
                nodeName,
                limits,
                retainEventsFor);
    }

    public RoomSettings withMaxRoomsPerNode(int n) {
        return new RoomSettings(
                snapshotEveryUpdates,
                snapshotInterval,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                n,
                awarenessTimeout,
                maxMessageBytes,
                nodeName,
                limits,
                retainEventsFor);
    }

    public RoomSettings withAwarenessTimeout(Duration d) {
        return new RoomSettings(
                snapshotEveryUpdates,
                snapshotInterval,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                maxRoomsPerNode,
                d,
                maxMessageBytes,
                nodeName,
                limits,
                retainEventsFor);
    }

    public RoomSettings withNodeName(String name) {
        return new RoomSettings(
                snapshotEveryUpdates,
                snapshotInterval,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                maxRoomsPerNode,
                awarenessTimeout,
                maxMessageBytes,
                name,
                limits,
                retainEventsFor);
    }

    public RoomSettings withLimits(Limits l) {
        return new RoomSettings(
                snapshotEveryUpdates,
                snapshotInterval,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                maxRoomsPerNode,
                awarenessTimeout,
                maxMessageBytes,
                nodeName,
                l,
                retainEventsFor);
    }

    public RoomSettings withRetainEventsFor(Duration d) {
        return new RoomSettings(
                snapshotEveryUpdates,
                snapshotInterval,
                snapshotsEnabled,
                deleteEventsOnSnapshot,
                cleanupTimeout,
                maxRoomsPerNode,
                awarenessTimeout,
                maxMessageBytes,
                nodeName,
                limits,
                d);
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
