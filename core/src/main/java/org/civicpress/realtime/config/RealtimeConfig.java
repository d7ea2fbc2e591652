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
        Api api,
        History history,
        Hocuspocus hocuspocus) {

    public static final boolean DEFAULT_ENABLED = true;
    public static final int DEFAULT_PORT = 3001;
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final String DEFAULT_PATH = "/realtime";

    public RealtimeConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        webhooks = List.copyOf(webhooks);
        if (api == null) api = Api.DEFAULTS;
        if (history == null) history = History.DEFAULTS;
        if (hocuspocus == null) hocuspocus = Hocuspocus.DEFAULTS;
    }

    /** The configuration used when there is no realtime.yml and no environment override. */
    public static RealtimeConfig defaults(Path dataDir) {
        return new RealtimeConfig(
                DEFAULT_ENABLED,
                DEFAULT_PORT,
                DEFAULT_HOST,
                DEFAULT_PATH,
                dataDir,
                Rooms.DEFAULTS,
                Snapshots.DEFAULTS,
                RateLimiting.DEFAULTS,
                Auth.DEFAULTS,
                List.of(),
                Database.DEFAULTS,
                Cluster.DEFAULTS,
                Websocket.DEFAULTS,
                Api.DEFAULTS,
                History.DEFAULTS,
                Hocuspocus.DEFAULTS);
    }

    /** Directory of the durable webhook outbox. */
    public Path outboxDir() {
        return dataDir.resolve("outbox");
    }

    /**
     * {@code rooms.*}: room lifecycle and size. {@code cleanupTimeout} ({@code rooms.cleanup_timeout}): a room with
     * no joined connection stops after this long (RoomSettings.cleanupTimeout, one name from file to room).
     * {@code maxDocumentBytes}: no update may grow a room's encoded document beyond this;
     * {@code maxPendingBytes}: no update may grow what waits for missing dependencies beyond this
     * (see docs/security.md, "Hostile input and limits").
     */
    public record Rooms(int maxRooms, Duration cleanupTimeout, int maxDocumentBytes, int maxPendingBytes) {
        public static final int DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
        public static final int DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;
        public static final Rooms DEFAULTS =
                new Rooms(100, Duration.ofSeconds(3600), DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_PENDING_BYTES);
    }

    /** {@code snapshots.*}: when a room folds its journal into a snapshot. */
    public record Snapshots(
            boolean enabled,
            Duration interval,
            int maxUpdates,
            SnapshotStorage storage,
            boolean deleteEventsOnSnapshot) {
        public static final Snapshots DEFAULTS =
                new Snapshots(true, Duration.ofSeconds(300), 100, SnapshotStorage.DATABASE, true);
    }

    public enum SnapshotStorage {
        DATABASE,
        FILESYSTEM
    }

    /**
     * {@code history.*}: what the journal keeps for history and audit (docs/history.md). {@code retainEvents}
     * ({@code history.retain_events}): events younger than this are kept even when snapshots cover them (with
     * {@code snapshots.delete_events_on_snapshot}), and so are the snapshots a room needs to replay them;
     * zero = only what recovery needs.
     */
    public record History(Duration retainEvents) {
        public static final History DEFAULTS = new History(Duration.ZERO);
    }

    /**
     * {@code rate_limiting.*}. {@code burstSeconds}: the per-connection message bucket holds this many seconds'
     * worth of {@code messagesPerSecond} (and starts full).
     */
    public record RateLimiting(int messagesPerSecond, int burstSeconds, int connectionsPerIp, int connectionsPerUser) {
        public static final RateLimiting DEFAULTS = new RateLimiting(10, 10, 100, 10);

        /** Messages a connection may send at once before its rate is shaped. */
        public int burstMessages() {
            return (int) Math.min(Integer.MAX_VALUE, (long) burstSeconds * messagesPerSecond);
        }
    }

    /**
     * {@code auth.*}: who may connect (see docs/security.md). Anonymous access is allowed by default (the
     * one-command development run); {@code serviceToken} authenticates trusted back-end callers; {@code jwt}
     * and {@code introspection} verify user tokens. {@code maxPendingMessages}/{@code maxPendingBytes} bound
     * what a connection may send before its authentication has completed.
     */
    public record Auth(
            boolean allowAnonymous,
            String serviceToken,
            Duration tokenCacheTtl,
            Jwt jwt,
            Introspection introspection,
            int maxPendingMessages,
            int maxPendingBytes) {
        public static final int DEFAULT_MAX_PENDING_MESSAGES = 32;
        public static final int DEFAULT_MAX_PENDING_BYTES = 256 * 1024;
        public static final Auth DEFAULTS = new Auth(
                true,
                null,
                Duration.ofSeconds(60),
                Jwt.DEFAULTS,
                Introspection.DEFAULTS,
                DEFAULT_MAX_PENDING_MESSAGES,
                DEFAULT_MAX_PENDING_BYTES);

        public Auth {
            if (jwt == null) jwt = Jwt.DEFAULTS;
            if (introspection == null) introspection = Introspection.DEFAULTS;
        }

        /** Without token verifiers (the seed's shape). */
        public Auth(boolean allowAnonymous, String serviceToken, Duration tokenCacheTtl) {
            this(
                    allowAnonymous,
                    serviceToken,
                    tokenCacheTtl,
                    Jwt.DEFAULTS,
                    Introspection.DEFAULTS,
                    DEFAULT_MAX_PENDING_MESSAGES,
                    DEFAULT_MAX_PENDING_BYTES);
        }

        /** True when some token can be verified (a JWT key source, introspection, or the service token). */
        public boolean anyVerifier() {
            return jwt.enabled() || introspection.enabled() || (serviceToken != null && !serviceToken.isEmpty());
        }

        /**
         * The WARN the server logs at start when anyone may connect without a token, empty otherwise.
         * Anonymous access is the embedded development default; a deployment holding civic records must
         * turn it off, so the text says how.
         */
        public java.util.Optional<String> startupWarning() {
            if (!allowAnonymous) return java.util.Optional.empty();
            return java.util.Optional.of("ANONYMOUS ACCESS IS ON: any client that reaches the WebSocket port may "
                    + "read and edit every room without a token (auth.allow_anonymous=true). Set "
                    + "REALTIME_AUTH_ALLOW_ANONYMOUS=false and configure auth.jwt.* or auth.introspection.url "
                    + "for any deployment that is not a local development run (see docs/security.md).");
        }

        @Override
        public String toString() {
            return "Auth[allowAnonymous=" + allowAnonymous + ", serviceToken=" + Secrets.mask(serviceToken)
                    + ", tokenCacheTtl=" + tokenCacheTtl + ", jwt=" + jwt + ", introspection=" + introspection
                    + ", maxPendingMessages=" + maxPendingMessages + ", maxPendingBytes=" + maxPendingBytes + "]";
        }

        /**
         * {@code auth.jwt.*}: HS256 with {@code hs256Secret}; RS256/ES256 with the keys of {@code jwksUrl}
         * or {@code jwksFile}. {@code issuer}/{@code audience} are checked when set. The JWK set is
         * re-read after {@code jwksCacheTtl}, and on a token with an unknown key id, but at most once per
         * {@code jwksMinRefreshInterval} (a flood of made-up key ids cannot hammer the key server).
         */
        public record Jwt(
                String hs256Secret,
                String jwksUrl,
                Path jwksFile,
                String issuer,
                String audience,
                Duration clockSkew,
                Duration jwksCacheTtl,
                Duration jwksMinRefreshInterval,
                Duration jwksTimeout) {
            public static final Jwt DEFAULTS = new Jwt(
                    null,
                    null,
                    null,
                    null,
                    null,
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(5));

            public boolean enabled() {
                return hs256Secret != null || jwksUrl != null || jwksFile != null;
            }

            @Override
            public String toString() {
                return "Jwt[hs256Secret=" + Secrets.mask(hs256Secret) + ", jwksUrl=" + jwksUrl + ", jwksFile="
                        + jwksFile + ", issuer=" + issuer + ", audience=" + audience + ", clockSkew=" + clockSkew
                        + ", jwksCacheTtl=" + jwksCacheTtl + ", jwksMinRefreshInterval=" + jwksMinRefreshInterval
                        + ", jwksTimeout=" + jwksTimeout + "]";
            }
        }

        /**
         * {@code auth.introspection.*}: the CivicPress API URL that says who a bearer is and which rooms
         * they may use; at most {@code maxConcurrent} lookups are outstanding at once.
         */
        public record Introspection(String url, Duration timeout, int maxConcurrent) {
            public static final Introspection DEFAULTS = new Introspection(null, Duration.ofSeconds(5), 32);

            public boolean enabled() {
                return url != null;
            }
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
            return "Webhook[url=" + url + ", secret=" + Secrets.mask(secret) + ", events=" + events + ", maxAttempts="
                    + maxAttempts + ", timeout=" + timeout + "]";
        }
    }

    /** {@code database.*}: where the event journal and snapshots live. A null url means "derived default". */
    public record Database(DatabaseType type, String url, String user, String password) {
        public static final Database DEFAULTS = new Database(DatabaseType.H2, null, null, null);

        @Override
        public String toString() {
            return "Database[type=" + type + ", url=" + url + ", user=" + user + ", password=" + Secrets.mask(password)
                    + "]";
        }
    }

    /**
     * The databases the journal can live in. The one place that tells them apart by JDBC url (the
     * persistence module maps each to its DDL and HOCON: {@code DatabaseKind.of}).
     */
    public enum DatabaseType {
        H2("jdbc:h2:"),
        POSTGRES("jdbc:postgresql:");

        private final String urlPrefix;

        DatabaseType(String urlPrefix) {
            this.urlPrefix = urlPrefix;
        }

        /** Every JDBC url of this database starts with this. */
        public String urlPrefix() {
            return urlPrefix;
        }

        public boolean accepts(String jdbcUrl) {
            return jdbcUrl != null && jdbcUrl.startsWith(urlPrefix);
        }

        /** The database a JDBC url names; anything that is not PostgreSQL is H2 (the embedded default). */
        public static DatabaseType fromJdbcUrl(String jdbcUrl) {
            return POSTGRES.accepts(jdbcUrl) ? POSTGRES : H2;
        }
    }

    /** {@code cluster.*}: Pekko remoting address of this node; no seed nodes = form a one-node cluster. */
    public record Cluster(String nodeName, String canonicalHost, int canonicalPort, List<String> seedNodes) {
        public static final Cluster DEFAULTS = new Cluster("node-1", "127.0.0.1", 25520, List.of());

        public Cluster {
            seedNodes = List.copyOf(seedNodes);
        }
    }

    /**
     * {@code hocuspocus.*}: the endpoint for {@code @hocuspocus/provider} clients (docs/configuration.md).
     * {@code path}: its WebSocket path; {@code relayStateless}: Stateless messages also go to the document's
     * other Hocuspocus clients (hook listeners always get them); {@code maxDocumentsPerSocket}: documents one
     * socket may have open at once (more: close 4429).
     */
    public record Hocuspocus(String path, boolean relayStateless, int maxDocumentsPerSocket) {
        public static final Hocuspocus DEFAULTS = new Hocuspocus("/hocuspocus", true, 100);
    }

    /**
     * {@code websocket.*}: per-connection limits. {@code maxAwarenessBytes}: largest awareness state (its JSON
     * text, UTF-8) one client may announce; {@code maxAwarenessClients}: how many awareness client ids one
     * connection may announce (a y-websocket client announces one).
     */
    public record Websocket(
            int maxMessageBytes,
            Duration pingInterval,
            Duration awarenessTimeout,
            int maxAwarenessBytes,
            int maxAwarenessClients) {
        public static final Websocket DEFAULTS =
                new Websocket(16 * 1024 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(30), 64 * 1024, 16);
    }

    /**
     * {@code api.*}: the CivicPress API the rooms talk to. Off by default (both URLs unset).
     * URL templates may be absolute or relative to {@code baseUrl}; {@code {roomId}} is replaced by the
     * URL-encoded room id. {@code token} is sent as {@code Authorization: Bearer} and never logged.
     */
    public record Api(
            String baseUrl,
            String token,
            String initialContentUrl,
            String snapshotPushUrl,
            Duration connectTimeout,
            Duration requestTimeout,
            int maxAttempts,
            Duration initialBackoff) {
        public static final Api DEFAULTS = new Api(
                null, null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(10), 5, Duration.ofMillis(500));

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
