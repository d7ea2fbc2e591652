package org.civicpress.realtime.http;

import java.util.Map;
import org.civicpress.realtime.persistence.testing.PostgresTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same scenarios with the journal in a real PostgreSQL started for this class. */
class PostgresServerIT extends RealtimeServerScenarios {
    private static PostgresTestServer postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresTestServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    Map<String, String> databaseEnv() {
        return Map.of(
                "REALTIME_DATABASE_TYPE",
                "postgres",
                "REALTIME_DB_URL",
                postgres.jdbcUrl(),
                "REALTIME_DB_USER",
                postgres.user(),
                "REALTIME_DB_PASSWORD",
                "");
    }

    @Override
    String databaseName() {
        return "postgres";
    }
}
