package org.civicpress.realtime.persistence;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the journal lives: resolved once at start from the realtime configuration.
 * The password is never printed by {@link #toString()}.
 */
public record DatabaseSettings(DatabaseKind kind, String url, String user, String password) {

    public DatabaseSettings {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /**
     * The embedded default: an H2 file database {@code <dataDir>/db/realtime}.
     * WRITE_DELAY=0: H2 otherwise buffers commits for up to 500 ms inside the JVM, and an update that
     * was echoed to its sender must survive kill -9.
     * DB_CLOSE_ON_EXIT=FALSE: H2's own JVM shutdown hook would close the database at SIGTERM while
     * CoordinatedShutdown still runs, failing the rooms' last journal writes and final snapshots.
     */
    public static DatabaseSettings h2In(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve("db").resolve("realtime");
        return new DatabaseSettings(
                DatabaseKind.H2, "jdbc:h2:file:" + file + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[kind=" + kind + ", url=" + url + ", user=" + user + ", password="
                + (password.isEmpty() ? "<empty>" : "****") + "]";
    }
}
