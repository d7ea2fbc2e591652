package org.civicpress.realtime.services;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.civicpress.realtime.config.RealtimeConfig;

/**
 * Optional direct JDBC access for hosting code (the event journal itself goes through
 * pekko-persistence-jdbc, not through this service). Registered only when {@code database.url} is set.
 */
public interface DatabaseService {
    RealtimeConfig.DatabaseType type();

    String jdbcUrl();

    /** A new connection; the caller closes it. */
    Connection connection() throws SQLException;

    static DatabaseService driverManager(RealtimeConfig.Database db) {
        return new DatabaseService() {
            @Override public RealtimeConfig.DatabaseType type() { return db.type(); }
            @Override public String jdbcUrl() { return db.url(); }
            @Override public Connection connection() throws SQLException {
                return DriverManager.getConnection(db.url(), db.user(), db.password());
            }
            @Override public String toString() { return "DatabaseService[" + db + "]"; }
        };
    }
}
