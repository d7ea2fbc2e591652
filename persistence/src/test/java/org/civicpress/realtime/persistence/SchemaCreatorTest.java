package org.civicpress.realtime.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.civicpress.realtime.persistence.testing.PostgresTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCreatorTest {
    private static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot", "durable_state");

    @Test
    void createsTheH2SchemaAndRunningItAgainChangesNothing(@TempDir Path dataDir) throws SQLException {
        DatabaseSettings db = DatabaseSettings.h2In(dataDir);
        SchemaCreator.ensureSchema(db);
        insertJournalRow(db, "\"event_journal\"", "\"");
        SchemaCreator.ensureSchema(db);

        assertTablesExist(db);
        assertEquals(1, countRows(db, "\"event_journal\""), "the second run must keep existing rows");
    }

    @Test
    void createsThePostgresSchemaAndRunningItAgainChangesNothing() throws Exception {
        try (PostgresTestServer postgres = PostgresTestServer.start()) {
            DatabaseSettings db = postgres.settings();
            SchemaCreator.ensureSchema(db);
            insertJournalRow(db, "event_journal", "");
            SchemaCreator.ensureSchema(db);

            assertTablesExist(db);
            assertEquals(1, countRows(db, "event_journal"), "the second run must keep existing rows");
        }
    }

    /** Three cluster nodes starting together on an empty database (ClusterIT once failed on this race). */
    @Test
    void nodesStartingTogetherAllGetThePostgresSchema() throws Exception {
        try (PostgresTestServer postgres = PostgresTestServer.start()) {
            DatabaseSettings db = postgres.settings();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> nodes = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    nodes.add(pool.submit(() -> {
                        start.await();
                        SchemaCreator.ensureSchema(db);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> node : nodes) {
                    node.get(60, TimeUnit.SECONDS); // throws if that node's schema creation failed
                }
            } finally {
                pool.shutdownNow();
            }
            assertTablesExist(db);
        }
    }

    @Test
    void anUnreachableDatabaseGivesAClearError() {
        DatabaseSettings db = new DatabaseSettings(
                DatabaseKind.POSTGRES, "jdbc:postgresql://127.0.0.1:1/realtime?connectTimeout=2", "nobody", "secret");
        SchemaException error = assertThrows(SchemaException.class, () -> SchemaCreator.ensureSchema(db));
        assertTrue(error.getMessage().contains("127.0.0.1:1"), error.getMessage());
        assertTrue(!error.getMessage().contains("secret"), "no password in messages");
    }

    private static void insertJournalRow(DatabaseSettings db, String table, String q) throws SQLException {
        String columns = String.join(
                ", ",
                List.of(
                                "persistence_id",
                                "sequence_number",
                                "writer",
                                "write_timestamp",
                                "adapter_manifest",
                                "event_ser_id",
                                "event_ser_manifest",
                                "event_payload")
                        .stream()
                        .map(column -> q + column + q)
                        .toList());
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO " + table + " (" + columns + ") VALUES ('room|r1', 1, 'w', 0, '', 1, 'm', ?)")) {
            s.setBytes(1, new byte[] {1});
            s.executeUpdate();
        }
    }

    private static long countRows(DatabaseSettings db, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertTablesExist(DatabaseSettings db) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            for (String table : TABLES) {
                try (ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
                    assertTrue(rs.next(), "table " + table + " exists in " + db.kind());
                }
            }
        }
    }
}
