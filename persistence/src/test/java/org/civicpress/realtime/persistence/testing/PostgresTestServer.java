package org.civicpress.realtime.persistence.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.civicpress.realtime.persistence.DatabaseKind;
import org.civicpress.realtime.persistence.DatabaseSettings;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, throw-away PostgreSQL for tests: initdb into a temp dir, started with pg_ctl on a free port
 * of 127.0.0.1, stopped and deleted by {@link #close()}. Binaries come from /usr/lib/postgresql/<v>/bin
 * (or REALTIME_PG_BIN). As root, every PostgreSQL command runs as user postgres (initdb refuses root).
 * Without binaries the test is skipped, except with CI=true where it fails.
 */
public final class PostgresTestServer implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresTestServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Starts a fresh cluster with a database "realtime"; skips (or fails on CI) without binaries. */
    public static PostgresTestServer start() throws IOException, InterruptedException {
        Optional<Path> bin = findBinaries();
        if (bin.isEmpty()) {
            String message =
                    "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " and CI=true");
            }
            Assumptions.abort(message + ": skipping the PostgreSQL test");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("realtime-pg-");
        PostgresTestServer server = new PostgresTestServer(bin.get(), dir, freePort(), root);
        try {
            if (root) {
                run(List.of("chown", "-R", "postgres:", dir.toString()), 30);
            }
            server.pg(
                    List.of(
                            bin.get().resolve("initdb").toString(),
                            "-D",
                            server.data().toString(),
                            "-U",
                            "postgres",
                            "-A",
                            "trust",
                            "-E",
                            "UTF8",
                            "--no-sync"),
                    120);
            // fsync off: tests kill the server JVM, never the machine; the socket directory is our own temp dir.
            server.pg(
                    List.of(
                            bin.get().resolve("pg_ctl").toString(),
                            "-D",
                            server.data().toString(),
                            "-l",
                            dir.resolve("postgres.log").toString(),
                            "-w",
                            "-t",
                            "90",
                            "-o",
                            "-p " + server.port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                                    + " -c synchronous_commit=off -c full_page_writes=off",
                            "start"),
                    120);
            try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE realtime");
            }
            return server;
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            server.close();
            throw new IOException("could not start PostgreSQL in " + dir + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return jdbcUrl("realtime");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return "postgres";
    }

    public DatabaseSettings settings() {
        return new DatabaseSettings(DatabaseKind.POSTGRES, jdbcUrl(), user(), "");
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                pg(
                        List.of(
                                bin.resolve("pg_ctl").toString(),
                                "-D",
                                data().toString(),
                                "-m",
                                "immediate",
                                "-w",
                                "-t",
                                "60",
                                "stop"),
                        90);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.getLogger(PostgresTestServer.class.getName())
                    .log(System.Logger.Level.WARNING, "stopping PostgreSQL failed: " + e.getMessage());
        } finally {
            deleteRecursively(dir);
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void pg(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, timeoutSeconds);
    }

    private static void run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output;
        try {
            // pg_ctl leaves postgres running with our pipe closed (-l log file), so reading to EOF is safe.
            output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IOException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
        } finally {
            process.destroyForcibly();
        }
        if (process.exitValue() != 0) {
            throw new IOException("exit " + process.exitValue() + " from " + String.join(" ", command) + ":\n"
                    + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static Optional<Path> findBinaries() {
        String explicit = System.getenv("REALTIME_PG_BIN");
        if (explicit != null && Files.isExecutable(Path.of(explicit, "pg_ctl"))) {
            return Optional.of(Path.of(explicit));
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(PostgresTestServer::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind does no harm
        }
    }
}
