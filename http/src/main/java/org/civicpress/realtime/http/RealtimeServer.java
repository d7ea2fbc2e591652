package org.civicpress.realtime.http;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.config.RealtimeConfigManager;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.hooks.RecentHookEvents;
import org.civicpress.realtime.metrics.NodeMetrics;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.persistence.DatabaseKind;
import org.civicpress.realtime.persistence.DatabaseSettings;
import org.civicpress.realtime.persistence.SchemaCreator;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomManager;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.services.AuthService;
import org.civicpress.realtime.services.RealtimeServices;
import org.civicpress.realtime.services.ServiceContainer;
import org.civicpress.realtime.services.ServiceFactory;
import org.civicpress.realtime.services.ServiceKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Main class of the realtime server. Start order: configuration, database schema, actor system,
 * services (hooks, webhooks, metrics, this server as {@link RunningServer}), HTTP bind (not ready: /ready 503),
 * management endpoint, cluster membership (self-join when there are no seed nodes), room sharding, warm-up (the
 * journal plugins and the shard coordinator, which the first join would otherwise wait for: StartupWarmUp), ready.
 * Each step is logged (at DEBUG, its outcome at INFO, "Realtime server ready: ws://..." last); a failing step is
 * logged with the reason and the process exits with status 1.
 */
public final class RealtimeServer {
    private static final Logger log = LoggerFactory.getLogger(RealtimeServer.class);
    /** How long an admin question to the room manager waits for sharding or the room. */
    private static final Duration ROOM_MANAGER_TIMEOUT = Duration.ofSeconds(5);
    /** How many recent hook events the admin inspector shows. */
    private static final int RECENT_HOOK_EVENTS = 200;

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    public static final Path DEFAULT_DATA_DIR = Path.of(".system-data");

    private RealtimeServer() {}

    public static void main(String[] args) {
        try {
            ActorSystem<Void> system = start(System.getenv());
            if (system == null) return; // enabled: false
            // Whatever stops the system (SIGTERM, the cluster downing this node) also ends the process.
            system.getWhenTerminated().thenRun(() -> {
                Thread exit = new Thread(() -> System.exit(0), "realtime-exit");
                exit.setDaemon(true);
                exit.start();
            });
        } catch (RuntimeException e) {
            log.error("Realtime server did not start: {}", e.getMessage(), e);
            // Logback flushes on exit through its shutdown hook; the exit code tells supervisors it failed.
            System.exit(1);
        }
    }

    /**
     * Starts every layer; returns the running system (tests and embedders may terminate it), or null when
     * the configuration says {@code enabled: false}.
     */
    public static ActorSystem<Void> start(Map<String, String> env) {
        RealtimeConfig config = step("configuration", () -> RealtimeConfigManager.load(DEFAULT_DATA_DIR, env));
        if (!config.enabled()) {
            log.info("Realtime module disabled (enabled: false): not starting");
            return null;
        }
        log.info(
                "Configuration loaded: data dir {}, listen {}:{}{}",
                config.dataDir().toAbsolutePath(),
                config.host(),
                config.port(),
                config.path());

        DatabaseSettings database = step("database", () -> {
            Files.createDirectories(config.dataDir());
            DatabaseSettings db = databaseSettings(config);
            SchemaCreator.ensureSchema(db);
            return db;
        });

        Config pekkoConfig = step("pekko configuration", () -> PekkoConfigFactory.build(config, database));
        ActorSystem<Void> system =
                step("actor system", () -> ActorSystem.create(Behaviors.empty(), "realtime", pekkoConfig));
        try {
            startServices(system, config);
            return system;
        } catch (RuntimeException e) {
            system.terminate();
            awaitQuietly(system);
            throw e;
        }
    }

    private static void startServices(ActorSystem<Void> system, RealtimeConfig config) {
        // The journal plugins start (and answer a throw-away recovery) while the HTTP, management and cluster
        // steps run; the node reports ready only after (StartupWarmUp).
        CompletableFuture<Long> persistenceWarmUp =
                CompletableFuture.supplyAsync(() -> StartupWarmUp.persistence(system), RealtimeServer::warmUpThread);
        ServerState state = new ServerState();
        RunningServer server = new RunningServer(system, config.host(), config.path(), state);
        ServiceContainer services = step("services (hooks, webhooks, metrics)", () -> {
            ServiceContainer container = new ServiceContainer();
            RealtimeServices.registerRealtimeServices(
                    container,
                    RealtimeConfigManager.fixed(config),
                    new ServiceFactory<>(RunningServer.class, c -> server),
                    new ServiceFactory<>(RoomManager.class, c -> new RoomManager(system, ROOM_MANAGER_TIMEOUT)));
            RealtimeServices.startBackgroundServices(container);
            return container;
        });
        // Webhook outbox and other services are closed after the actor system is gone.
        system.getWhenTerminated().thenRun(services::close);
        HookSystem hooks = services.resolve(ServiceKeys.HOOKS, HookSystem.class);
        RealtimeMetrics metrics = services.resolve(ServiceKeys.METRICS, RealtimeMetrics.class);
        NodeMetrics.use(system, metrics); // connection actors count read-only refusals here
        AuthService authService = services.resolve(ServiceKeys.AUTH, AuthService.class);
        config.auth().startupWarning().ifPresent(log::warn);

        // The port is bound first, not ready: orchestrators and load balancers see /alive 200 and /ready 503
        // while the node starts (a liveness probe must not kill a slow start), WebSockets are closed with 1012.
        RoomSettings roomSettings = RoomSettings.from(config);
        int outgoingBuffer = system.settings().config().getInt("realtime.websocket.outgoing-buffer-messages");
        // Recording from here on: the admin inspector shows this node's last events (GET /api/events).
        RecentHookEvents recentEvents = RecentHookEvents.attach(hooks, RECENT_HOOK_EVENTS);
        AdminAuth adminAuth = new AdminAuth(authService);
        AdminRoutes admin = new AdminRoutes(
                system, services.resolve(ServiceKeys.ROOM_MANAGER, RoomManager.class), recentEvents, adminAuth);
        RealtimeRoutes routes = new RealtimeRoutes(
                system,
                config.path(),
                roomSettings,
                outgoingBuffer,
                state,
                metrics,
                config.rateLimiting(),
                authService,
                config.auth(),
                admin,
                new HistoryRoutes(system, adminAuth),
                new HocuspocusSockets(config.hocuspocus(), config.auth(), roomSettings, authService));
        ServerBinding binding = step("HTTP bind on " + config.host() + ":" + config.port(), () -> Http.get(system)
                .newServerAt(config.host(), config.port())
                .withSettings(HttpErrors.serverSettings(system.settings().config()))
                .bind(routes.route())
                .toCompletableFuture()
                .get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        server.bound(binding);
        log.info(
                "HTTP listening on {}:{}; /ready answers 503 until the rooms are up",
                config.host(),
                binding.localAddress().getPort());

        // Management first: Cluster Bootstrap's contact points are the management endpoints.
        step("management endpoint", () -> {
            var uri = PekkoManagement.get(system)
                    .start()
                    .toCompletableFuture()
                    .get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            log.info("Management endpoint on {}", uri);
            return null;
        });
        step("cluster membership", () -> {
            joinCluster(system, config);
            return null;
        });
        step("room sharding", () -> {
            Room.init(system, roomSettings, RoomServices.from(config, hooks, metrics));
            return null;
        });
        step("warm-up (persistence plugins, shard coordinator)", () -> {
            long sharding = StartupWarmUp.sharding(system);
            long persistence = persistenceWarmUp.join(); // bounded inside; never fails
            log.info("Warmed up: journal answered in {} ms, shard coordinator in {} ms", persistence, sharding);
            return null;
        });

        // Stop accepting, hand the rooms off, and only then tell clients to reconnect (1012): see GracefulLeave.
        GracefulLeave.register(system, binding, routes.openSockets(), state);
        ShutdownPhasesLog.register(system);
        if (state.markReady()) {
            log.info(
                    "Realtime server ready: {} (node {})",
                    server.webSocketUrl("<roomId>"),
                    config.cluster().nodeName());
        }
    }

    /**
     * Cluster Bootstrap when realtime.cluster.bootstrap is on (multi-node: discovery finds the other nodes);
     * otherwise seed nodes if configured, or, with none, a one-node cluster by joining ourselves.
     * Then waits until this member is Up.
     */
    private static void joinCluster(ActorSystem<Void> system, RealtimeConfig config) throws InterruptedException {
        Cluster cluster = Cluster.get(system);
        Config pekko = system.settings().config();
        Duration timeout = STEP_TIMEOUT;
        if (pekko.getBoolean("realtime.cluster.bootstrap")) {
            log.info(
                    "Joining through Cluster Bootstrap ({} discovery of service {})",
                    pekko.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"),
                    pekko.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
            ClusterBootstrap.get(system).start();
            // Forming a new cluster waits for every required contact point: allow slow starts of the others.
            timeout = Duration.ofSeconds(180);
        } else if (pekko.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (cluster.selfMember().status() != MemberStatus.up()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("this node did not become Up within " + timeout.toSeconds()
                        + " s (status " + cluster.selfMember().status()
                        + "); check the seed nodes or the bootstrap contact points");
            }
            Thread.sleep(50);
        }
        log.info("Cluster member {} is Up", cluster.selfMember().address());
    }

    private static void warmUpThread(Runnable task) {
        Thread thread = new Thread(task, "realtime-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    static DatabaseSettings databaseSettings(RealtimeConfig config) {
        RealtimeConfig.Database db = config.database();
        if (db.url() == null || db.url().isBlank()) {
            if (db.type() == RealtimeConfig.DatabaseType.POSTGRES) {
                throw new IllegalArgumentException("database.type is postgres but no url is set (REALTIME_DB_URL)");
            }
            return DatabaseSettings.h2In(config.dataDir());
        }
        return new DatabaseSettings(DatabaseKind.of(db.type()), db.url(), db.user(), db.password());
    }

    @FunctionalInterface
    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T step(String name, Step<T> step) {
        // DEBUG: a start is a handful of lines at INFO; a failing step is named in the error anyway.
        log.debug("Starting: {}", name);
        try {
            return step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(name, e);
        } catch (Exception e) {
            throw new StartupException(name, e);
        }
    }

    private static void awaitQuietly(ActorSystem<Void> system) {
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Actor system did not terminate cleanly: {}", e.toString());
        }
    }
}
