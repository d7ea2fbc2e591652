package org.civicpress.realtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.civicpress.realtime.config.RealtimeConfig.DatabaseType;
import org.civicpress.realtime.config.RealtimeConfig.SnapshotStorage;
import org.civicpress.realtime.hooks.HookEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RealtimeConfigManagerTest {
    @TempDir
    Path dir;

    private void yml(String text) throws IOException {
        Files.writeString(dir.resolve("realtime.yml"), text);
    }

    private ConfigValidationException invalid(Map<String, String> env) {
        return assertThrows(ConfigValidationException.class, () -> RealtimeConfigManager.load(dir, env));
    }

    private static Set<String> paths(ConfigValidationException e) {
        return e.problems().stream().map(ConfigProblem::path).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void missingFileGivesTheSpecDefaults() {
        RealtimeConfig c = RealtimeConfigManager.load(dir, Map.of());
        assertEquals(RealtimeConfig.defaults(dir), c);
        assertTrue(c.enabled());
        assertEquals(3001, c.port());
        assertEquals("0.0.0.0", c.host());
        assertEquals("/realtime", c.path());
        assertEquals(100, c.rooms().maxRooms());
        assertEquals(Duration.ofSeconds(3600), c.rooms().cleanupTimeout());
        assertTrue(c.snapshots().enabled());
        assertEquals(Duration.ofSeconds(300), c.snapshots().interval());
        assertEquals(100, c.snapshots().maxUpdates());
        assertEquals(SnapshotStorage.DATABASE, c.snapshots().storage());
        assertEquals(10, c.rateLimiting().messagesPerSecond());
        assertEquals(100, c.rateLimiting().connectionsPerIp());
        assertEquals(10, c.rateLimiting().connectionsPerUser());
        assertEquals(16 * 1024 * 1024, c.websocket().maxMessageBytes());
        assertEquals(DatabaseType.H2, c.database().type());
        assertNull(c.database().url());
        assertEquals(List.of(), c.webhooks());
        assertEquals(dir.resolve("outbox"), c.outboxDir());
    }

    @Test
    void hocuspocusEndpointKeysHaveDefaultsEnvOverridesAndValidation() throws IOException {
        RealtimeConfig.Hocuspocus d = RealtimeConfigManager.load(dir, Map.of()).hocuspocus();
        assertEquals(new RealtimeConfig.Hocuspocus("/hocuspocus", true, 100), d);
        RealtimeConfig.Hocuspocus env = RealtimeConfigManager.load(
                        dir,
                        Map.of(
                                "REALTIME_HOCUSPOCUS_PATH",
                                "/collab",
                                "REALTIME_HOCUSPOCUS_RELAY_STATELESS",
                                "false",
                                "REALTIME_HOCUSPOCUS_MAX_DOCUMENTS_PER_SOCKET",
                                "7"))
                .hocuspocus();
        assertEquals(new RealtimeConfig.Hocuspocus("/collab", false, 7), env);
        yml(
                """
                path: /realtime
                hocuspocus:
                  path: /realtime/
                  max_documents_per_socket: 0
                  colour: red
                """);
        String msg = invalid(Map.of()).getMessage();
        assertTrue(msg.contains("hocuspocus.path: must differ from the y-websocket path '/realtime'"), msg);
        assertTrue(msg.contains("hocuspocus.max_documents_per_socket"), msg);
        assertTrue(msg.contains("hocuspocus.colour"), msg);
        yml("hocuspocus:\n  path: relative\n");
        assertTrue(invalid(Map.of()).getMessage().contains("hocuspocus.path: must start with '/'"));
    }

    @Test
    void emptyFileGivesDefaults() throws IOException {
        yml("# nothing configured\n");
        assertEquals(RealtimeConfig.defaults(dir), RealtimeConfigManager.load(dir, Map.of()));
    }

    @Test
    void fullFileIsRead() throws IOException {
        yml(
                """
                enabled: false
                port: 4000
                host: 127.0.0.1
                path: /collab
                rooms:
                  max_rooms: 7
                  cleanup_timeout: 5m
                  max_document_bytes: 8388608
                  max_pending_bytes: 65536
                snapshots:
                  enabled: false
                  interval: 30
                  max_updates: 50
                  storage: filesystem
                  delete_events_on_snapshot: false
                rate_limiting:
                  messages_per_second: 20
                  connections_per_ip: 3
                  connections_per_user: 2
                auth:
                  allow_anonymous: false
                  service_token: ${SERVICE_TOKEN}
                webhooks:
                  - url: https://hooks.example.org/realtime
                    secret: ${HOOK_SECRET}
                    events: [realtime:room:created, realtime:snapshot:saved]
                    max_attempts: 3
                    timeout: 2s
                  - url: http://127.0.0.1:9/all
                    secret: plain
                database:
                  type: postgres
                  url: jdbc:postgresql://localhost:5432/realtime
                  user: rt
                  password: ${DB_PASS}
                cluster:
                  node_name: n2
                  canonical_port: 25521
                  seed_nodes: [pekko://realtime@10.0.0.1:25520]
                websocket:
                  max_message_bytes: 1048576
                  ping_interval: 10s
                  awareness_timeout: 45
                  max_awareness_bytes: 4096
                  max_awareness_clients: 4
                """);
        RealtimeConfig c = RealtimeConfigManager.load(
                dir, Map.of("SERVICE_TOKEN", "tok", "HOOK_SECRET", "s3cret", "DB_PASS", "pw"));
        assertFalse(c.enabled());
        assertEquals(4000, c.port());
        assertEquals("127.0.0.1", c.host());
        assertEquals("/collab", c.path());
        assertEquals(new RealtimeConfig.Rooms(7, Duration.ofMinutes(5), 8388608, 65536), c.rooms());
        assertEquals(
                new RealtimeConfig.Snapshots(false, Duration.ofSeconds(30), 50, SnapshotStorage.FILESYSTEM, false),
                c.snapshots());
        assertEquals(
                new RealtimeConfig.RateLimiting(20, RealtimeConfig.RateLimiting.DEFAULTS.burstSeconds(), 3, 2),
                c.rateLimiting());
        assertFalse(c.auth().allowAnonymous());
        assertEquals("tok", c.auth().serviceToken());
        assertEquals(2, c.webhooks().size());
        RealtimeConfig.Webhook w = c.webhooks().get(0);
        assertEquals("https://hooks.example.org/realtime", w.url());
        assertEquals("s3cret", w.secret());
        assertEquals(Set.of(HookEvents.ROOM_CREATED, HookEvents.SNAPSHOT_SAVED), w.events());
        assertEquals(3, w.maxAttempts());
        assertEquals(Duration.ofSeconds(2), w.timeout());
        assertTrue(w.wants(HookEvents.ROOM_CREATED));
        assertFalse(w.wants(HookEvents.CLIENT_CONNECTED));
        assertTrue(c.webhooks().get(1).wants(HookEvents.CLIENT_CONNECTED));
        assertEquals(
                RealtimeConfig.Webhook.DEFAULT_MAX_ATTEMPTS, c.webhooks().get(1).maxAttempts());
        assertEquals(
                new RealtimeConfig.Database(
                        DatabaseType.POSTGRES, "jdbc:postgresql://localhost:5432/realtime", "rt", "pw"),
                c.database());
        assertEquals(
                new RealtimeConfig.Cluster("n2", "127.0.0.1", 25521, List.of("pekko://realtime@10.0.0.1:25520")),
                c.cluster());
        assertEquals(
                new RealtimeConfig.Websocket(1048576, Duration.ofSeconds(10), Duration.ofSeconds(45), 4096, 4),
                c.websocket());
    }

    @Test
    void civicPressStyleRootKeyIsAccepted() throws IOException {
        yml("realtime:\n  port: 3100\n  rooms:\n    max_rooms: 5\n");
        RealtimeConfig c = RealtimeConfigManager.load(dir, Map.of());
        assertEquals(3100, c.port());
        assertEquals(5, c.rooms().maxRooms());
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        yml("port: 4000\nhost: 10.0.0.1\nrooms:\n  max_rooms: 7\ndatabase:\n  url: jdbc:h2:mem:x\n");
        Path other = Files.createDirectories(dir.resolve("other"));
        RealtimeConfig c = RealtimeConfigManager.load(
                dir,
                Map.of(
                        "REALTIME_PORT", "5000",
                        "REALTIME_HOST", "127.0.0.2",
                        "REALTIME_PATH", "/rt",
                        "REALTIME_ROOMS_MAX_ROOMS", "9",
                        "REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND", "50",
                        "REALTIME_SNAPSHOTS_ENABLED", "false",
                        "REALTIME_DB_URL", "jdbc:postgresql://db/rt",
                        "REALTIME_DATABASE_TYPE", "postgres",
                        "REALTIME_DB_USER", "u",
                        "REALTIME_DB_PASSWORD", "p"));
        assertEquals(5000, c.port());
        assertEquals("127.0.0.2", c.host());
        assertEquals("/rt", c.path());
        assertEquals(9, c.rooms().maxRooms());
        RealtimeConfig limits = RealtimeConfigManager.load(
                dir,
                Map.of("REALTIME_ROOMS_MAX_PENDING_BYTES", "4096", "REALTIME_WEBSOCKET_MAX_AWARENESS_CLIENTS", "3"));
        assertEquals(4096, limits.rooms().maxPendingBytes());
        assertEquals(
                RealtimeConfig.Rooms.DEFAULT_MAX_DOCUMENT_BYTES, limits.rooms().maxDocumentBytes());
        assertEquals(3, limits.websocket().maxAwarenessClients());
        assertEquals(50, c.rateLimiting().messagesPerSecond());
        assertFalse(c.snapshots().enabled());
        assertEquals(
                new RealtimeConfig.Database(DatabaseType.POSTGRES, "jdbc:postgresql://db/rt", "u", "p"), c.database());

        // A PostgreSQL url alone selects PostgreSQL.
        RealtimeConfig urlOnly = RealtimeConfigManager.load(dir, Map.of("REALTIME_DB_URL", "jdbc:postgresql://db/rt"));
        assertEquals(DatabaseType.POSTGRES, urlOnly.database().type());

        // REALTIME_DATA_DIR moves both the data dir and the file that is read (none there: defaults).
        RealtimeConfig moved = RealtimeConfigManager.load(dir, Map.of("REALTIME_DATA_DIR", other.toString()));
        assertEquals(other, moved.dataDir());
        assertEquals(3001, moved.port());
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsPath() throws IOException {
        yml(
                """
                port: 70000
                hots: 127.0.0.1
                path: realtime
                rooms:
                  max_rooms: many
                  cleanup_timeout: -5
                  max_document_bytes: 12
                  max_pending_bytes: big
                snapshots:
                  storage: s3
                  interval: soon
                rate_limiting: 10
                webhooks:
                  - url: ftp://x
                    events: [realtime:room:exploded]
                    color: red
                  - just-a-string
                database:
                  type: postgres
                cluster:
                  seed_nodes: [localhost:25520]
                websocket:
                  max_message_bytes: 12
                  max_awareness_bytes: 0
                  max_awareness_clients: -1
                """);
        ConfigValidationException e = invalid(Map.of("REALTIME_ROOMS_MAX_ROOMS", "lots"));
        Set<String> paths = paths(e);
        for (String p : List.of(
                "port",
                "hots",
                "path",
                "rooms.max_rooms",
                "rooms.cleanup_timeout",
                "snapshots.storage",
                "snapshots.interval",
                "rate_limiting",
                "webhooks[0].url",
                "webhooks[0].secret",
                "webhooks[0].events",
                "webhooks[0].color",
                "webhooks[1]",
                "database.url",
                "cluster.seed_nodes[0]",
                "websocket.max_message_bytes",
                "rooms.max_document_bytes",
                "rooms.max_pending_bytes",
                "websocket.max_awareness_bytes",
                "websocket.max_awareness_clients")) {
            assertTrue(paths.contains(p), "missing problem for " + p + " in:\n" + e.getMessage());
        }
        String msg = e.getMessage();
        assertTrue(
                msg.startsWith("Invalid realtime configuration (" + e.problems().size() + " problems):"), msg);
        assertTrue(msg.contains("port: value 70000 is out of range [0, 65535]"), msg);
        assertTrue(msg.contains("hots: unknown key"), msg);
        assertTrue(msg.contains("(from REALTIME_ROOMS_MAX_ROOMS)"), "env source named: " + msg);
        assertTrue(msg.contains("expected one of database, filesystem"), msg);
        assertEquals("CONFIG_INVALID", e.code());
    }

    @Test
    void databaseUrlMustMatchTheDatabaseTypeAndEveryHttpUrlIsCheckedAlike() throws IOException {
        yml(
                """
                database:
                  type: postgres
                  url: jdbc:h2:mem:x
                webhooks:
                  - url: "http://exa mple"
                    secret: s
                  - url: /relative
                    secret: s
                api:
                  base_url: ftp://api
                """);
        String msg = invalid(Map.of()).getMessage();
        assertTrue(
                msg.contains("database.url: must start with 'jdbc:postgresql:' when database.type is postgres"), msg);
        assertTrue(msg.contains("webhooks[0].url: not a valid URL"), msg);
        assertTrue(msg.contains("webhooks[1].url: must be an absolute http(s) URL, got '/relative'"), msg);
        assertTrue(msg.contains("api.base_url: must be an absolute http(s) URL, got 'ftp://api'"), msg);
        yml("database:\n  type: h2\n  url: jdbc:postgresql://db/rt\n");
        msg = invalid(Map.of()).getMessage();
        assertTrue(msg.contains("database.url: must start with 'jdbc:h2:' when database.type is h2"), msg);
        assertEquals(DatabaseType.H2, DatabaseType.fromJdbcUrl(null));
        assertEquals(DatabaseType.H2, DatabaseType.fromJdbcUrl("jdbc:h2:mem:x"));
        assertEquals(DatabaseType.POSTGRES, DatabaseType.fromJdbcUrl("jdbc:postgresql://db/rt"));
    }

    @Test
    void historyRetentionFromFileAndEnvironmentReachesTheRooms() throws IOException {
        assertEquals(
                java.time.Duration.ZERO,
                RealtimeConfigManager.load(dir, Map.of()).history().retainEvents());
        yml("history:\n  retain_events: 30d\n");
        RealtimeConfig c = RealtimeConfigManager.load(dir, Map.of());
        assertEquals(java.time.Duration.ofDays(30), c.history().retainEvents());
        assertEquals(
                java.time.Duration.ofDays(30),
                org.civicpress.realtime.room.RoomSettings.from(c).retainEventsFor());
        assertEquals(
                java.time.Duration.ofHours(2),
                RealtimeConfigManager.load(dir, Map.of("REALTIME_HISTORY_RETAIN_EVENTS", "2h"))
                        .history()
                        .retainEvents());
        yml("history:\n  retain_events: forever\n  keep: yes\n");
        assertEquals(Set.of("history.retain_events", "history.keep"), paths(invalid(Map.of())));
    }

    @Test
    void wrongTypesAreReported() throws IOException {
        yml("enabled: maybe\nport: '3001'\nsnapshots:\n  enabled: 1\nauth:\n  service_token: 12345\n");
        ConfigValidationException e = invalid(Map.of());
        assertEquals(Set.of("enabled", "port", "snapshots.enabled", "auth.service_token"), paths(e));
        // The value of a secret is not echoed, even when it has the wrong type.
        assertFalse(e.getMessage().contains("12345"), e.getMessage());
    }

    @Test
    void secretsNeverAppearInMessagesOrToString() throws IOException {
        yml(
                """
                auth:
                  service_token: tok-very-secret
                webhooks:
                  - url: http://127.0.0.1/x
                    secret: hook-very-secret
                database:
                  password: db-very-secret
                  url: jdbc:h2:mem:t
                """);
        RealtimeConfig c = RealtimeConfigManager.load(dir, Map.of());
        String text = c.toString();
        for (String s : List.of("tok-very-secret", "hook-very-secret", "db-very-secret")) {
            assertFalse(text.contains(s), "secret leaked in " + text);
        }
        assertTrue(text.contains("****"));
    }

    @Test
    void missingEnvironmentReferenceIsAProblem() throws IOException {
        yml("webhooks:\n  - url: http://127.0.0.1/x\n    secret: ${NOT_SET_ANYWHERE}\n");
        ConfigValidationException e = invalid(Map.of());
        assertTrue(
                e.getMessage().contains("webhooks[0].secret: environment variable NOT_SET_ANYWHERE is not set"),
                e.getMessage());
    }

    @Test
    void duplicateKeysInvalidYamlAndNonMappingRootAreReported() throws IOException {
        yml("port: 1\nport: 2\n");
        assertTrue(invalid(Map.of()).getMessage().contains("invalid YAML"));
        yml("port: [1, 2\n");
        assertTrue(invalid(Map.of()).getMessage().contains("invalid YAML"));
        yml("database:\n  password: hunter2-secret\n  password: again-secret\n");
        String msg = invalid(Map.of()).getMessage();
        assertTrue(msg.contains("duplicate key password") && msg.contains("line 3"), msg);
        assertFalse(msg.contains("secret"), "YAML error quoted a secret: " + msg);
        yml("- a\n- b\n");
        assertTrue(invalid(Map.of()).getMessage().contains("<root>: expected a mapping"));
    }

    @Test
    void postgresNeedsAPostgresUrlAndDuplicateWebhookUrlsAreRejected() throws IOException {
        yml(
                """
                database:
                  type: postgres
                  url: jdbc:h2:mem:x
                webhooks:
                  - {url: "http://127.0.0.1/a", secret: s}
                  - {url: "http://127.0.0.1/a", secret: t}
                """);
        ConfigValidationException e = invalid(Map.of());
        assertEquals(Set.of("database.url", "webhooks[1].url"), paths(e));
    }

    @Test
    void badEnvironmentValuesAreProblems() {
        ConfigValidationException e = invalid(Map.of(
                "REALTIME_PORT",
                "http",
                "REALTIME_SNAPSHOTS_ENABLED",
                "sometimes",
                "REALTIME_SNAPSHOTS_INTERVAL",
                "0"));
        assertEquals(Set.of("port", "snapshots.enabled", "snapshots.interval"), paths(e));
    }

    @Test
    void managerCachesAndReloads() throws IOException {
        RealtimeConfigManager m = new RealtimeConfigManager(dir, Map.of());
        assertEquals(3001, m.config().port());
        yml("port: 3002\n");
        assertEquals(3001, m.config().port());
        assertEquals(3002, m.reload().port());
        yml("port: nope\n");
        assertThrows(ConfigValidationException.class, m::reload);
        assertEquals(3002, m.config().port(), "a failed reload keeps the previous configuration");
    }
}
