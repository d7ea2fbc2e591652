package org.civicpress.realtime.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.realtime.config.ConfigProblem;
import org.civicpress.realtime.config.ConfigValidationException;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.persistence.DatabaseSettings;
import org.civicpress.realtime.persistence.PersistenceConfig;

/**
 * Builds the ActorSystem configuration. Strongest first: JVM system properties (-Dpekko...), the file
 * named by -Dconfig.resource or -Dconfig.file if any (e.g. local1.conf), values derived from the realtime configuration,
 * the database's persistence files, application.conf from cluster-config, every library's reference.conf.
 */
final class PekkoConfigFactory {
    static final String LOCAL_SNAPSHOT_STORE = "pekko.persistence.snapshot-store.local";

    private PekkoConfigFactory() {}

    private static Config resource(String name) {
        Config config = ConfigFactory.parseResources(PekkoConfigFactory.class.getClassLoader(), name);
        if (config.isEmpty()) {
            throw new IllegalStateException("configuration resource " + name + " not found on the classpath");
        }
        return config;
    }

    private static Config explicitFile() {
        String resourceName = System.getProperty("config.resource");
        if (resourceName != null) {
            return resource(resourceName);
        }
        String fileName = System.getProperty("config.file");
        if (fileName == null) {
            return null;
        }
        java.io.File file = new java.io.File(fileName);
        if (!file.isFile()) {
            throw new IllegalStateException("configuration file " + fileName + " (-Dconfig.file) not found");
        }
        return ConfigFactory.parseFile(file);
    }

    static Config build(RealtimeConfig config, DatabaseSettings database) {
        Map<String, Object> derived = new HashMap<>();
        RealtimeConfig.Cluster cluster = config.cluster();
        derived.put("pekko.remote.artery.canonical.hostname", cluster.canonicalHost());
        derived.put("pekko.remote.artery.canonical.port", cluster.canonicalPort());
        derived.put("pekko.cluster.seed-nodes", cluster.seedNodes());
        derived.put("realtime.websocket.max-message-bytes", config.websocket().maxMessageBytes());
        derived.put(
                "pekko.http.server.websocket.periodic-keep-alive-max-idle",
                config.websocket().pingInterval().toMillis() + "ms");
        putSnapshotStore(config, derived);
        Config fromRealtime = ConfigFactory.parseMap(derived, "realtime.yml / REALTIME_* environment");

        // -Dconfig.resource=local1.conf or -Dconfig.file=node1.conf (a node of a local cluster) is explicit:
        // it wins over derived values.
        Config application = resource("application.conf");
        Config layered = fromRealtime
                .withFallback(PersistenceConfig.forDatabase(database))
                .withFallback(application);
        Config explicit = explicitFile();
        if (explicit != null) {
            layered = explicit.withFallback(layered);
        }
        // load(): system properties on top, reference.conf below, then resolve substitutions once.
        Config loaded = ConfigFactory.load(layered);
        refuseNodeLocalSnapshotsInACluster(config, loaded);
        return loaded;
    }

    /**
     * {@code snapshots.storage: filesystem}: Pekko's local snapshot store (our fsyncing subclass) under {@code <dataDir>/snapshots}, the
     * events stay in the JDBC journal. The payload is still written by our RoomEventSerializer (binding of
     * Room$Snapshot, wrapped by Pekko's SnapshotSerializer).
     */
    private static void putSnapshotStore(RealtimeConfig config, Map<String, Object> derived) {
        if (config.snapshots().storage() != RealtimeConfig.SnapshotStorage.FILESYSTEM) {
            return;
        }
        derived.put("pekko.persistence.snapshot-store.plugin", LOCAL_SNAPSHOT_STORE);
        derived.put("pekko.persistence.snapshot-store.auto-start-snapshot-stores", List.of(LOCAL_SNAPSHOT_STORE));
        derived.put(LOCAL_SNAPSHOT_STORE + ".dir", snapshotDir(config).toString());
        derived.put(LOCAL_SNAPSHOT_STORE + ".class", FsyncedLocalSnapshotStore.class.getName());
    }

    static Path snapshotDir(RealtimeConfig config) {
        return config.dataDir().toAbsolutePath().normalize().resolve("snapshots");
    }

    /**
     * Snapshot files are node-local, while rooms move between the nodes of a cluster and delete their old events
     * after a snapshot: a room recovered on another node would find neither. So filesystem snapshots are for a
     * single node only; checked on the final configuration, which is where seed nodes and bootstrap are decided.
     */
    private static void refuseNodeLocalSnapshotsInACluster(RealtimeConfig config, Config loaded) {
        if (config.snapshots().storage() != RealtimeConfig.SnapshotStorage.FILESYSTEM) {
            return;
        }
        boolean seedNodes = !loaded.getStringList("pekko.cluster.seed-nodes").isEmpty();
        boolean bootstrap =
                loaded.hasPath("realtime.cluster.bootstrap") && loaded.getBoolean("realtime.cluster.bootstrap");
        if (seedNodes || bootstrap) {
            throw new ConfigValidationException(List.of(new ConfigProblem(
                    "snapshots.storage",
                    seedNodes ? "cluster.seed_nodes / pekko.cluster.seed-nodes" : "realtime.cluster.bootstrap",
                    "filesystem snapshots are node-local and cannot be used in a multi-node cluster (a room moving"
                            + " to another node would lose the events deleted after its snapshot); use"
                            + " snapshots.storage: database, or run a single node without seed nodes or bootstrap")));
        }
    }
}
