package org.civicpress.realtime.config;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.civicpress.realtime.config.RealtimeConfig.Api;
import org.civicpress.realtime.config.RealtimeConfig.Auth;
import org.civicpress.realtime.config.RealtimeConfig.Cluster;
import org.civicpress.realtime.config.RealtimeConfig.Database;
import org.civicpress.realtime.config.RealtimeConfig.DatabaseType;
import org.civicpress.realtime.config.RealtimeConfig.History;
import org.civicpress.realtime.config.RealtimeConfig.Hocuspocus;
import org.civicpress.realtime.config.RealtimeConfig.RateLimiting;
import org.civicpress.realtime.config.RealtimeConfig.Rooms;
import org.civicpress.realtime.config.RealtimeConfig.SnapshotStorage;
import org.civicpress.realtime.config.RealtimeConfig.Snapshots;
import org.civicpress.realtime.config.RealtimeConfig.Webhook;
import org.civicpress.realtime.config.RealtimeConfig.Websocket;
import org.civicpress.realtime.hooks.HookEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Loads {@code <dataDir>/realtime.yml} over the defaults, applies environment overrides and validates.
 *
 * <p>A missing file means "all defaults" (logged at INFO). Environment variables win over the file:
 * REALTIME_PORT, REALTIME_HOST, REALTIME_PATH, REALTIME_DATA_DIR, REALTIME_DB_URL, REALTIME_DB_USER,
 * REALTIME_DB_PASSWORD, and for every scalar key {@code REALTIME_<SECTION>_<KEY>} in upper case
 * (e.g. REALTIME_ROOMS_MAX_ROOMS, REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND). Every problem is
 * collected into one {@link ConfigValidationException}.
 */
public final class RealtimeConfigManager {
    private static final Logger log = LoggerFactory.getLogger(RealtimeConfigManager.class);
    public static final String FILE_NAME = "realtime.yml";
    public static final String ENV_PREFIX = "REALTIME";
    private static final Pattern SEED_NODE = Pattern.compile("pekko://[^@/\\s]+@[^:/\\s]+:\\d{1,5}");
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final Path dataDir;
    private final Map<String, String> env;
    private final boolean fixed;
    private volatile RealtimeConfig current;

    public RealtimeConfigManager(Path dataDir, Map<String, String> env) {
        this(dataDir, env, false);
    }

    private RealtimeConfigManager(Path dataDir, Map<String, String> env, boolean fixed) {
        this.dataDir = dataDir;
        this.env = Map.copyOf(env);
        this.fixed = fixed;
    }

    /** A manager that always returns {@code config} (tests, embedding); {@link #reload()} keeps it. */
    public static RealtimeConfigManager fixed(RealtimeConfig config) {
        RealtimeConfigManager m = new RealtimeConfigManager(config.dataDir(), Map.of(), true);
        m.current = config;
        return m;
    }

    /** The configuration, loaded on first use. */
    public RealtimeConfig config() {
        RealtimeConfig c = current;
        if (c == null) {
            synchronized (this) {
                if (current == null) current = load(dataDir, env);
                c = current;
            }
        }
        return c;
    }

    /** Reads the file again; the previous configuration stays in place when the new one is invalid. */
    public synchronized RealtimeConfig reload() {
        if (fixed) return current;
        current = load(dataDir, env);
        return current;
    }

    /** Loads with the process environment. */
    public static RealtimeConfig load(Path dataDir) {
        return load(dataDir, System.getenv());
    }

    public static RealtimeConfig load(Path dataDir, Map<String, String> env) throws ConfigValidationException {
        List<ConfigProblem> problems = new ArrayList<>();
        Path effectiveDir = dataDir;
        String envDir = env.get("REALTIME_DATA_DIR");
        if (envDir != null && !envDir.isBlank()) {
            try {
                effectiveDir = Path.of(envDir.trim());
            } catch (InvalidPathException e) {
                problems.add(new ConfigProblem("data_dir", "REALTIME_DATA_DIR", "not a valid path: " + e.getReason()));
            }
        }
        if (effectiveDir == null) {
            problems.add(
                    new ConfigProblem("data_dir", null, "no data directory given (argument or REALTIME_DATA_DIR)"));
            throw new ConfigValidationException(problems);
        }
        Path file = effectiveDir.resolve(FILE_NAME);
        Map<?, ?> root = readYaml(file, problems);
        Set<String> usedEnv = new LinkedHashSet<>();
        RealtimeConfig config = bind(root, effectiveDir, env, file.toString(), problems, usedEnv);
        if (!problems.isEmpty()) throw new ConfigValidationException(problems);
        if (!usedEnv.isEmpty()) log.info("Realtime configuration: environment overrides {}", usedEnv);
        log.debug("Realtime configuration: {}", config);
        return config;
    }

    private static Map<?, ?> readYaml(Path file, List<ConfigProblem> problems) {
        String source = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(20);
            Object doc = new Yaml(new SafeConstructor(options)).load(reader);
            log.info("Loaded realtime configuration from {}", file);
            if (doc == null) return Map.of();
            if (!(doc instanceof Map<?, ?> map)) {
                problems.add(new ConfigProblem(
                        "<root>", source, "expected a mapping of keys, got " + ConfigSection.describe(doc)));
                return Map.of();
            }
            // CivicPress files may wrap everything in a top-level "realtime:" key.
            if (map.size() == 1 && map.get("realtime") instanceof Map<?, ?> inner) return inner;
            return map;
        } catch (NoSuchFileException e) {
            log.info("No {} found, using the default realtime configuration", file);
            return Map.of();
        } catch (IOException e) {
            problems.add(new ConfigProblem("<file>", source, "cannot read: " + e));
            return Map.of();
        } catch (YAMLException e) {
            problems.add(new ConfigProblem("<file>", source, "invalid YAML: " + describeYamlError(e)));
            return Map.of();
        }
    }

    /**
     * SnakeYAML messages quote the offending source lines, which may hold a secret: keep only the
     * problem and its position.
     */
    private static String describeYamlError(YAMLException e) {
        if (e instanceof MarkedYAMLException m) {
            StringBuilder sb = new StringBuilder();
            if (m.getContext() != null) sb.append(m.getContext()).append(": ");
            sb.append(m.getProblem());
            Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
            if (mark != null)
                sb.append(" at line ")
                        .append(mark.getLine() + 1)
                        .append(", column ")
                        .append(mark.getColumn() + 1);
            return sb.toString();
        }
        return e.getClass().getSimpleName();
    }

    private static RealtimeConfig bind(
            Map<?, ?> root,
            Path dataDir,
            Map<String, String> env,
            String source,
            List<ConfigProblem> problems,
            Set<String> usedEnv) {
        ConfigSection s = new ConfigSection("", ENV_PREFIX, root, env, source, problems, usedEnv);
        boolean enabled = s.bool("enabled", RealtimeConfig.DEFAULT_ENABLED);
        int port = s.integer("port", RealtimeConfig.DEFAULT_PORT, 0, 65535);
        String host = s.string("host", RealtimeConfig.DEFAULT_HOST, false);
        if (host != null && host.isBlank()) s.problemAt("host", "must not be empty");
        String path = s.string("path", RealtimeConfig.DEFAULT_PATH, false);
        if (path != null
                && (!path.startsWith("/") || path.contains(" ") || (path.length() > 1 && path.endsWith("/")))) {
            s.problemAt("path", "must start with '/', contain no spaces and not end with '/', got '" + path + "'");
        }

        ConfigSection r = s.child("rooms");
        Rooms rooms = new Rooms(
                r.integer("max_rooms", Rooms.DEFAULTS.maxRooms(), 1, 1_000_000),
                r.duration(
                        "cleanup_timeout", Rooms.DEFAULTS.cleanupTimeout(), Duration.ofSeconds(1), Duration.ofDays(30)),
                r.integer("max_document_bytes", Rooms.DEFAULTS.maxDocumentBytes(), 1024, Integer.MAX_VALUE),
                r.integer("max_pending_bytes", Rooms.DEFAULTS.maxPendingBytes(), 1024, Integer.MAX_VALUE));
        r.rejectUnknownKeys();

        ConfigSection sn = s.child("snapshots");
        Snapshots snapshots = new Snapshots(
                sn.bool("enabled", Snapshots.DEFAULTS.enabled()),
                sn.duration("interval", Snapshots.DEFAULTS.interval(), Duration.ofSeconds(1), Duration.ofDays(1)),
                sn.integer("max_updates", Snapshots.DEFAULTS.maxUpdates(), 1, 1_000_000),
                sn.enumeration("storage", SnapshotStorage.class, Snapshots.DEFAULTS.storage()),
                sn.bool("delete_events_on_snapshot", Snapshots.DEFAULTS.deleteEventsOnSnapshot()));
        sn.rejectUnknownKeys();

        ConfigSection rl = s.child("rate_limiting");
        RateLimiting rate = new RateLimiting(
                rl.integer("messages_per_second", RateLimiting.DEFAULTS.messagesPerSecond(), 1, 1_000_000),
                rl.integer("burst_seconds", RateLimiting.DEFAULTS.burstSeconds(), 1, 3_600),
                rl.integer("connections_per_ip", RateLimiting.DEFAULTS.connectionsPerIp(), 1, 1_000_000),
                rl.integer("connections_per_user", RateLimiting.DEFAULTS.connectionsPerUser(), 1, 1_000_000));
        rl.rejectUnknownKeys();

        Auth auth = auth(s.child("auth"));

        List<Webhook> webhooks = new ArrayList<>();
        Set<String> webhookUrls = new java.util.HashSet<>();
        List<ConfigSection> webhookSections = s.sectionList("webhooks");
        for (int i = 0; i < webhookSections.size(); i++) {
            Webhook hook = webhook(webhookSections.get(i));
            if (hook == null) continue;
            // The outbox identifies a target by its URL, so URLs must be unique.
            if (!webhookUrls.add(hook.url())) {
                webhookSections.get(i).problemAt("url", "duplicate webhook url '" + hook.url() + "'");
            }
            webhooks.add(hook);
        }

        ConfigSection d = s.child("database");
        String dbUrl = d.string("url", null, false, "REALTIME_DB_URL");
        // Without an explicit type, a PostgreSQL url selects PostgreSQL: REALTIME_DB_URL alone is enough.
        DatabaseType dbType = d.enumeration("type", DatabaseType.class, DatabaseType.fromJdbcUrl(dbUrl));
        Database database = new Database(
                dbType,
                dbUrl,
                d.string("user", null, false, "REALTIME_DB_USER"),
                d.string("password", null, true, "REALTIME_DB_PASSWORD"));
        if (database.url() != null && !database.url().startsWith("jdbc:")) {
            d.problemAt("url", "must be a JDBC url starting with 'jdbc:'");
        } else if (dbType == DatabaseType.POSTGRES && database.url() == null) {
            d.problemAt("url", "is required when database.type is postgres (or set REALTIME_DB_URL)");
        } else if (database.url() != null && !dbType.accepts(database.url())) {
            d.problemAt(
                    "url",
                    "must start with '" + dbType.urlPrefix() + "' when database.type is "
                            + dbType.name().toLowerCase(java.util.Locale.ROOT));
        }
        d.rejectUnknownKeys();

        ConfigSection c = s.child("cluster");
        Cluster cluster = new Cluster(
                c.string("node_name", Cluster.DEFAULTS.nodeName(), false),
                c.string("canonical_host", Cluster.DEFAULTS.canonicalHost(), false),
                c.integer("canonical_port", Cluster.DEFAULTS.canonicalPort(), 0, 65535),
                c.stringList("seed_nodes", Cluster.DEFAULTS.seedNodes()));
        if (cluster.nodeName() != null && !NODE_NAME.matcher(cluster.nodeName()).matches()) {
            c.problemAt("node_name", "must be 1-63 letters, digits, '.', '_' or '-', got '" + cluster.nodeName() + "'");
        }
        for (int i = 0; i < cluster.seedNodes().size(); i++) {
            if (!SEED_NODE.matcher(cluster.seedNodes().get(i)).matches()) {
                c.problemAt(
                        "seed_nodes[" + i + "]",
                        "expected pekko://<system>@<host>:<port>, got '"
                                + cluster.seedNodes().get(i) + "'");
            }
        }
        c.rejectUnknownKeys();

        ConfigSection ws = s.child("websocket");
        Websocket websocket = new Websocket(
                ws.integer("max_message_bytes", Websocket.DEFAULTS.maxMessageBytes(), 1024, 256L * 1024 * 1024),
                ws.duration("ping_interval", Websocket.DEFAULTS.pingInterval(), Duration.ZERO, Duration.ofHours(1)),
                ws.duration(
                        "awareness_timeout",
                        Websocket.DEFAULTS.awarenessTimeout(),
                        Duration.ofSeconds(1),
                        Duration.ofHours(1)),
                ws.integer("max_awareness_bytes", Websocket.DEFAULTS.maxAwarenessBytes(), 64, 16L * 1024 * 1024),
                ws.integer("max_awareness_clients", Websocket.DEFAULTS.maxAwarenessClients(), 1, 10_000));
        ws.rejectUnknownKeys();

        Api api = api(s.child("api"));

        ConfigSection hi = s.child("history");
        History history = new History(
                hi.duration("retain_events", History.DEFAULTS.retainEvents(), Duration.ZERO, Duration.ofDays(36_500)));
        hi.rejectUnknownKeys();

        ConfigSection hp = s.child("hocuspocus");
        Hocuspocus hocuspocus = new Hocuspocus(
                hp.string("path", Hocuspocus.DEFAULTS.path(), false),
                hp.bool("relay_stateless", Hocuspocus.DEFAULTS.relayStateless()),
                hp.integer("max_documents_per_socket", Hocuspocus.DEFAULTS.maxDocumentsPerSocket(), 1, 10_000));
        if (!hocuspocus.path().startsWith("/") || hocuspocus.path().strip().equals("/")) {
            hp.problemAt("path", "must start with '/' and name a path, got '" + hocuspocus.path() + "'");
        } else if (hocuspocus.path().replaceAll("/+$", "").equals(path.replaceAll("/+$", ""))) {
            hp.problemAt("path", "must differ from the y-websocket path '" + path + "'");
        }
        hp.rejectUnknownKeys();

        s.rejectUnknownKeys();
        return new RealtimeConfig(
                enabled,
                port,
                host,
                path,
                dataDir,
                rooms,
                snapshots,
                rate,
                auth,
                webhooks,
                database,
                cluster,
                websocket,
                api,
                history,
                hocuspocus);
    }

    /** {@code auth.*}; env {@code REALTIME_AUTH_*}, {@code REALTIME_AUTH_JWT_*}, {@code REALTIME_AUTH_INTROSPECTION_*}. */
    private static Auth auth(ConfigSection a) {
        Auth d = Auth.DEFAULTS;
        boolean allowAnonymous = a.bool("allow_anonymous", Auth.DEFAULTS.allowAnonymous());
        String serviceToken = a.string("service_token", null, true);
        Duration cacheTtl = a.duration("token_cache_ttl", d.tokenCacheTtl(), Duration.ZERO, Duration.ofDays(1));
        int maxPendingMessages = a.integer("max_pending_messages", d.maxPendingMessages(), 1, 10_000);
        int maxPendingBytes = a.integer("max_pending_bytes", d.maxPendingBytes(), 1024, 64L * 1024 * 1024);

        ConfigSection j = a.child("jwt");
        Auth.Jwt jd = Auth.Jwt.DEFAULTS;
        String secret = j.string("hs256_secret", null, true);
        if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            // HS256 needs a key at least as long as its output (RFC 7518 3.2); shorter ones are guessable.
            j.problemAt("hs256_secret", "must be at least 32 bytes long (got a shorter secret)");
        }
        String jwksUrl = j.string("jwks_url", null, false);
        if (jwksUrl != null) checkHttpUrl(j, "jwks_url", jwksUrl);
        String jwksFileName = j.string("jwks_file", null, false);
        Path jwksFile = null;
        if (jwksFileName != null) {
            try {
                jwksFile = Path.of(jwksFileName);
                if (!Files.isReadable(jwksFile)) {
                    j.problemAt("jwks_file", "cannot read '" + jwksFileName + "'");
                } else {
                    com.nimbusds.jose.jwk.JWKSet.load(jwksFile.toFile());
                }
            } catch (InvalidPathException e) {
                j.problemAt("jwks_file", "not a valid path: " + e.getReason());
            } catch (IOException | java.text.ParseException e) {
                j.problemAt("jwks_file", "not a JSON Web Key Set: " + e.getMessage());
            }
        }
        if (jwksUrl != null && jwksFileName != null) j.problemAt("jwks_file", "set jwks_url or jwks_file, not both");
        String issuer = j.string("issuer", null, false);
        String audience = j.string("audience", null, false);
        if (issuer != null && issuer.isBlank()) j.problemAt("issuer", "must not be empty");
        if (audience != null && audience.isBlank()) j.problemAt("audience", "must not be empty");
        Auth.Jwt jwt = new Auth.Jwt(
                secret,
                jwksUrl,
                jwksFile,
                issuer,
                audience,
                j.duration("clock_skew", jd.clockSkew(), Duration.ZERO, Duration.ofMinutes(10)),
                j.duration("jwks_cache_ttl", jd.jwksCacheTtl(), Duration.ofSeconds(1), Duration.ofDays(1)),
                j.duration(
                        "jwks_min_refresh_interval", jd.jwksMinRefreshInterval(), Duration.ZERO, Duration.ofHours(1)),
                j.duration("jwks_timeout", jd.jwksTimeout(), Duration.ofMillis(100), Duration.ofMinutes(1)));
        if ((issuer != null || audience != null) && jwksUrl == null && jwksFile == null && secret == null) {
            j.problemAt(
                    issuer != null ? "issuer" : "audience",
                    "is set but no JWT key is (auth.jwt.hs256_secret, jwks_url or jwks_file)");
        }
        j.rejectUnknownKeys();

        ConfigSection in = a.child("introspection");
        Auth.Introspection id = Auth.Introspection.DEFAULTS;
        String introspectionUrl = in.string("url", null, false);
        if (introspectionUrl != null) checkHttpUrl(in, "url", introspectionUrl);
        Auth.Introspection introspection = new Auth.Introspection(
                introspectionUrl,
                in.duration("timeout", id.timeout(), Duration.ofMillis(50), Duration.ofMinutes(1)),
                in.integer("max_concurrent", id.maxConcurrent(), 1, 10_000));
        in.rejectUnknownKeys();

        Auth auth = new Auth(
                allowAnonymous, serviceToken, cacheTtl, jwt, introspection, maxPendingMessages, maxPendingBytes);
        if (!allowAnonymous && !auth.anyVerifier()) {
            a.problemAt(
                    "allow_anonymous",
                    "is false but no token verifier is configured: set auth.jwt.hs256_secret, "
                            + "auth.jwt.jwks_url, auth.jwt.jwks_file, auth.introspection.url or auth.service_token");
        }
        a.rejectUnknownKeys();
        return auth;
    }

    private static Api api(ConfigSection a) {
        Api d = Api.DEFAULTS;
        String baseUrl = a.string("base_url", null, false);
        if (baseUrl != null) checkHttpUrl(a, "base_url", baseUrl);
        String token = a.string("token", null, true);
        String initial = a.string("initial_content_url", null, false);
        String push = a.string("snapshot_push_url", null, false);
        for (String[] key : new String[][] {{"initial_content_url", initial}, {"snapshot_push_url", push}}) {
            if (key[1] == null) continue;
            if (key[1].startsWith("/")) {
                if (baseUrl == null) a.problemAt(key[0], "is a relative path, so api.base_url must be set");
            } else {
                checkHttpUrl(a, key[0], key[1].replace("{roomId}", "room"));
            }
        }
        Api api = new Api(
                baseUrl,
                token,
                initial,
                push,
                a.duration("connect_timeout", d.connectTimeout(), Duration.ofMillis(100), Duration.ofMinutes(5)),
                a.duration("request_timeout", d.requestTimeout(), Duration.ofMillis(100), Duration.ofMinutes(10)),
                a.integer("max_attempts", d.maxAttempts(), 1, 100),
                a.duration("initial_backoff", d.initialBackoff(), Duration.ofMillis(10), Duration.ofMinutes(10)));
        a.rejectUnknownKeys();
        return api;
    }

    private static void checkHttpUrl(ConfigSection s, String key, String url) {
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                s.problemAt(key, "must be an absolute http(s) URL, got '" + url + "'");
            }
        } catch (URISyntaxException e) {
            s.problemAt(key, "not a valid URL: " + e.getReason());
        }
    }

    private static Webhook webhook(ConfigSection w) {
        String url = w.requiredString("url", false);
        if (url != null) checkHttpUrl(w, "url", url);
        String secret = w.requiredString("secret", true);
        List<String> events = w.stringList("events", List.of(HookEvents.ANY));
        for (String e : events) {
            if (!HookEvents.ANY.equals(e) && !HookEvents.ALL.contains(e)) {
                w.problemAt(
                        "events",
                        "unknown event '" + e + "' (known: * and "
                                + String.join(
                                        ", ", HookEvents.ALL.stream().sorted().toList()) + ")");
            }
        }
        int maxAttempts = w.integer("max_attempts", Webhook.DEFAULT_MAX_ATTEMPTS, 1, 100);
        Duration timeout =
                w.duration("timeout", Webhook.DEFAULT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5));
        w.rejectUnknownKeys();
        if (url == null || secret == null) return null;
        return new Webhook(url, secret, Set.copyOf(events), maxAttempts, timeout);
    }
}
