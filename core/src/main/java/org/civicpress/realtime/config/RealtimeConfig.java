package org.civicpress.realtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.civicpress.realtime.hooks.HookEvents;

/**
 * The validated configuration of the realtime module: {@code <dataDir>/realtime.yml} over the defaults,
 * then environment overrides. Built by {@link RealtimeConfigManager#load}. Keys in YAML are snake_case
 * ({@code rooms.max_rooms}); components here are camelCase. See docs/configuration.md.
 *
 * <p>Records holding secrets override {@code toString()} so that logging a config never leaks them.
 */
public record RealtimeConfig(
        boolean enabled,
        int port,
        String host,
        String path,
        Path dataDir,
        Rooms rooms,
        Snapshots snapshots,
        RateLimiting rateLimiting,
        Auth auth,
        List<Webhook> webhooks,
        Database database,
        Cluster cluster,
        Websocket websocket,
        Api api) {

    public static final int DEFAULT_PORT = 3001;
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final String DEFAULT_PATH = "/realtime";

    public RealtimeConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        webhooks = List.copyOf(webhooks);
        if (api == null) api = Api.DEFAULTS;
    }

    /** Without an {@code api} section (the constructor before the CivicPress API integration). */
    public RealtimeConfig(boolean enabled, int port, String host, String path, Path dataDir, Rooms rooms,
                          Snapshots snapshots, RateLimiting rateLimiting, Auth auth, List<Webhook> webhooks,
                          Database database, Cluster cluster, Websocket websocket) {
        this(enabled, port, host, path, dataDir, rooms, snapshots, rateLimiting, auth, webhooks, database, cluster,
                websocket, Api.DEFAULTS);
    }

    /** The configuration used when there is no realtime.yml and no environment override. */
    public static RealtimeConfig defaults(Path dataDir) {
        return new RealtimeConfig(true, DEFAULT_PORT, DEFAULT_HOST, DEFAULT_PATH, dataDir,
                Rooms.DEFAULTS, Snapshots.DEFAULTS, RateLimiting.DEFAULTS, Auth.DEFAULTS, List.of(),
                Database.DEFAULTS, Cluster.DEFAULTS, Websocket.DEFAULTS, Api.DEFAULTS);
    }

    /** Directory of the durable webhook outbox. */
    public Path outboxDir() {
        return dataDir.resolve("outbox");
    }

    /** {@code rooms.*}: room lifecycle. */
    public record Rooms(int maxRooms, Duration cleanupTimeout) {
        public static final Rooms DEFAULTS = new Rooms(100, Duration.ofSeconds(3600));
    }

    /** {@code snapshots.*}: when a room folds its journal into a snapshot. */
    public record Snapshots(boolean enabled, Duration interval, int maxUpdates, SnapshotStorage storage,
                            boolean deleteEventsOnSnapshot) {
        public static final Snapshots DEFAULTS =
                new Snapshots(true, Duration.ofSeconds(300), 100, SnapshotStorage.DATABASE, true);
    }

    public enum SnapshotStorage { DATABASE, FILESYSTEM }

    /** {@code rate_limiting.*}. */
    public record RateLimiting(int messagesPerSecond, int connectionsPerIp, int connectionsPerUser) {
        public static final RateLimiting DEFAULTS = new RateLimiting(10, 100, 10);
    }

    /**
     * {@code auth.*}: anonymous access is allowed by default (single-node development setup);
     * {@code serviceToken} authenticates trusted back-end callers.
     */
    public record Auth(boolean allowAnonymous, String serviceToken, Duration tokenCacheTtl) {
        public static final Auth DEFAULTS = new Auth(true, null, Duration.ofSeconds(60));

        @Override
        public String toString() {
            return "Auth[allowAnonymous=" + allowAnonymous + ", serviceToken=" + Secrets.mask(serviceToken)
                    + ", tokenCacheTtl=" + tokenCacheTtl + "]";
        }
    }

    /** One entry of {@code webhooks:}: where to POST which events, signed with {@code secret}. */
    public record Webhook(String url, String secret, Set<String> events, int maxAttempts, Duration timeout) {
        public static final int DEFAULT_MAX_ATTEMPTS = 5;
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

        public Webhook {
            Objects.requireNonNull(url, "url");
            events = Set.copyOf(events);
        }

        /** True when this target subscribed to {@code event} (an empty set or "*" means every event). */
        public boolean wants(String event) {
            return HookEvents.subscribed(events, event);
        }

        @Override
        public String toString() {
            return "Webhook[url=" + url + ", secret=" + Secrets.mask(secret) + ", events=" + events
                    + ", maxAttempts=" + maxAttempts + ", timeout=" + timeout + "]";
        }
    }

    /** {@code database.*}: where the event journal and snapshots live. A null url means "derived default". */
    public record Database(DatabaseType type, String url, String user, String password) {
        public static final Database DEFAULTS = new Database(DatabaseType.H2, null, null, null);

        @Override
        public String toString() {
            return "Database[type=" + type + ", url=" + url + ", user=" + user
                    + ", password=" + Secrets.mask(password) + "]";
        }
    }

    public enum DatabaseType { H2, POSTGRES }

    /** {@code cluster.*}: Pekko remoting address of this node; no seed nodes = form a one-node cluster. */
    public record Cluster(String nodeName, String canonicalHost, int canonicalPort, List<String> seedNodes) {
        public static final Cluster DEFAULTS = new Cluster("node-1", "127.0.0.1", 25520, List.of());

        public Cluster {
            seedNodes = List.copyOf(seedNodes);
        }
    }

    /** {@code websocket.*}: per-connection limits. */
    public record Websocket(int maxMessageBytes, Duration pingInterval, Duration awarenessTimeout) {
        public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
        public static final Websocket DEFAULTS =
                new Websocket(DEFAULT_MAX_MESSAGE_BYTES, Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /**
     * {@code api.*}: the CivicPress API the rooms talk to. Off by default (both URLs unset).
     * URL templates may be absolute or relative to {@code baseUrl}; {@code {roomId}} is replaced by the
     * URL-encoded room id. {@code token} is sent as {@code Authorization: Bearer} and never logged.
     */
    public record Api(String baseUrl, String token, String initialContentUrl, String snapshotPushUrl,
                      Duration connectTimeout, Duration requestTimeout, int maxAttempts, Duration initialBackoff) {
        public static final Api DEFAULTS = new Api(null, null, null, null, Duration.ofSeconds(5),
                Duration.ofSeconds(10), 5, Duration.ofMillis(500));

        /** True when rooms have anything to ask or tell the API. */
        public boolean enabled() {
            return initialContentUrl != null || snapshotPushUrl != null;
        }

        @Override
        public String toString() {
            return "Api[baseUrl=" + baseUrl + ", token=" + Secrets.mask(token) + ", initialContentUrl="
                    + initialContentUrl + ", snapshotPushUrl=" + snapshotPushUrl + ", connectTimeout=" + connectTimeout
                    + ", requestTimeout=" + requestTimeout + ", maxAttempts=" + maxAttempts + ", initialBackoff="
                    + initialBackoff + "]";
        }
    }
}
