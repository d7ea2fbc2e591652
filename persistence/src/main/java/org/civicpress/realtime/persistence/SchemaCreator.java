package org.civicpress.realtime.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pekko-persistence-jdbc tables when they are missing, with plain JDBC, before the actor
 * system starts. Every statement is {@code IF NOT EXISTS}, so running it on every start is safe; on
 * PostgreSQL an advisory lock makes nodes starting at the same time run it one after the other.
 */
public final class SchemaCreator {
    private static final Logger log = LoggerFactory.getLogger(SchemaCreator.class);
    /** Arbitrary application-wide key of the PostgreSQL advisory lock around the DDL. */
    private static final long SCHEMA_LOCK_KEY = 0x7265616c74696d65L; // "realtime"

    private SchemaCreator() {}

    /** Runs the DDL of {@code db.kind()} in one transaction (PostgreSQL) or statement by statement (H2). */
    public static void ensureSchema(DatabaseSettings db) {
        List<String> statements = statements(db.kind());
        try (Connection connection = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                if (db.kind() == DatabaseKind.POSTGRES) {
                    // Nodes of a cluster start together, and CREATE TABLE IF NOT EXISTS is not atomic in PostgreSQL
                    // (two creators collide on pg_type's unique key): one creator at a time, until commit.
                    statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
                }
                for (String sql : statements) {
                    execute(statement, sql, db);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SchemaException(
                    "cannot create the journal schema in " + db.kind() + " database " + db.url() + ": "
                            + e.getMessage(),
                    e);
        }
        log.info("Journal schema ready in {} database {} ({} statements)", db.kind(), db.url(), statements.size());
    }

    private static void execute(Statement statement, String sql, DatabaseSettings db) throws SQLException {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(
                    "statement failed: " + firstLine(sql) + " (" + e.getMessage() + ")", e.getSQLState(), e);
        }
    }

    /** The DDL script of {@code kind}, split into statements (the scripts contain no ';' inside statements). */
    static List<String> statements(DatabaseKind kind) {
        String script;
        try (InputStream in = SchemaCreator.class.getClassLoader().getResourceAsStream(kind.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + kind.schemaResource());
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + kind.schemaResource(), e);
        }
        List<String> result = new ArrayList<>();
        for (String part : stripComments(script).split(";")) {
            String sql = part.strip();
            if (!sql.isEmpty()) {
                result.add(sql);
            }
        }
        return result;
    }

    private static String stripComments(String script) {
        StringBuilder out = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static String firstLine(String sql) {
        int newline = sql.indexOf('\n');
        return newline < 0 ? sql : sql.substring(0, newline);
    }
}
