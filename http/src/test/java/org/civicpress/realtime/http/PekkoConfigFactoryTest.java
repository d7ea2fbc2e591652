package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.civicpress.realtime.config.ConfigValidationException;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.config.RealtimeConfig.SnapshotStorage;
import org.civicpress.realtime.persistence.DatabaseSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code snapshots.storage} maps onto Pekko's snapshot store plugins. */
class PekkoConfigFactoryTest {
    @TempDir
    Path dataDir;

    private RealtimeConfig config(SnapshotStorage storage, List<String> seedNodes) {
        RealtimeConfig defaults = RealtimeConfig.defaults(dataDir);
        RealtimeConfig.Snapshots snapshots =
                new RealtimeConfig.Snapshots(true, Duration.ofSeconds(300), 10, storage, true);
        RealtimeConfig.Cluster cluster = new RealtimeConfig.Cluster("node-1", "127.0.0.1", 25520, seedNodes);
        return new RealtimeConfig(
                defaults.enabled(),
                defaults.port(),
                defaults.host(),
                defaults.path(),
                dataDir,
                defaults.rooms(),
                snapshots,
                defaults.rateLimiting(),
                defaults.auth(),
                defaults.webhooks(),
                defaults.database(),
                cluster,
                defaults.websocket(),
                defaults.api(),
                defaults.history(),
                defaults.hocuspocus());
    }

    private Config build(RealtimeConfig config) {
        return PekkoConfigFactory.build(config, DatabaseSettings.h2In(dataDir));
    }

    @Test
    void databaseStorageKeepsTheJdbcSnapshotStore() {
        Config pekko = build(config(SnapshotStorage.DATABASE, List.of()));
        assertEquals("jdbc-snapshot-store", pekko.getString("pekko.persistence.snapshot-store.plugin"));
        assertEquals(
                List.of("jdbc-snapshot-store"),
                pekko.getStringList("pekko.persistence.snapshot-store.auto-start-snapshot-stores"));
        assertEquals("jdbc-journal", pekko.getString("pekko.persistence.journal.plugin"));
    }

    @Test
    void filesystemStorageUsesTheLocalStoreUnderTheDataDirAndKeepsTheJdbcJournal() {
        Config pekko = build(config(SnapshotStorage.FILESYSTEM, List.of()));
        assertEquals(
                "pekko.persistence.snapshot-store.local", pekko.getString("pekko.persistence.snapshot-store.plugin"));
        assertEquals(
                List.of("pekko.persistence.snapshot-store.local"),
                pekko.getStringList("pekko.persistence.snapshot-store.auto-start-snapshot-stores"));
        assertEquals(
                dataDir.toAbsolutePath().resolve("snapshots").toString(),
                pekko.getString("pekko.persistence.snapshot-store.local.dir"));
        assertEquals(
                FsyncedLocalSnapshotStore.class.getName(),
                pekko.getString("pekko.persistence.snapshot-store.local.class"));
        assertEquals("jdbc-journal", pekko.getString("pekko.persistence.journal.plugin"));
        // The payload keeps our binary serializer, whichever store writes it.
        assertEquals(
                "room-event",
                pekko.getString("pekko.actor.serialization-bindings.\"org.civicpress.realtime.room.Room$Snapshot\""));
    }

    @Test
    void filesystemStorageIsRefusedInAMultiNodeCluster() {
        RealtimeConfig clustered = config(SnapshotStorage.FILESYSTEM, List.of("pekko://realtime@10.0.0.2:25520"));
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> build(clustered));
        assertEquals("snapshots.storage", e.problems().get(0).path());
        assertTrue(e.getMessage().contains("multi-node cluster"), e.getMessage());
    }

    @Test
    void databaseStorageIsFineInAMultiNodeCluster() {
        Config pekko = build(config(SnapshotStorage.DATABASE, List.of("pekko://realtime@10.0.0.2:25520")));
        assertEquals(List.of("pekko://realtime@10.0.0.2:25520"), pekko.getStringList("pekko.cluster.seed-nodes"));
    }
}
