package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real-process tests find the server jar, the node clients and their node_modules. */
final class ItPaths {
    private ItPaths() {}

    static Path repoRoot() {
        String configured = System.getProperty("realtime.repoRoot");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("js")) && Files.isRegularFile(p.resolve("http/pom.xml"))) {
                return p;
            }
        }
        return fail("cannot find the repository root (a folder with js/ and http/pom.xml) above " + start);
    }

    static Path serverJar() {
        String configured = System.getProperty("realtime.serverJar");
        Path jar = configured != null ? Path.of(configured) : repoRoot().resolve("http/target/realtime-server.jar");
        assertTrue(
                Files.isRegularFile(jar),
                "server jar " + jar + " is missing: run mvn -B verify (it is built in package)");
        return jar;
    }

    /** The js/clients folder; fails (never skips) when node cannot find y-websocket or yjs from it. */
    static Path clients() {
        Path clients = repoRoot().resolve("js/clients");
        for (String pkg : new String[] {"y-websocket", "yjs"}) {
            if (nodePackage(clients, pkg) == null) {
                fail("node cannot find " + pkg + " from " + clients + ": run npm ci at the repository root");
            }
        }
        return clients;
    }

    /**
     * Where node resolves package {@code pkg} from folder {@code dir}: the nearest node_modules/pkg walking up.
     * The root npm workspace hoists most packages to node_modules at the repository root and keeps a conflicting
     * version in the workspace's own node_modules, so no single fixed path is right for every package.
     */
    static Path nodePackage(Path dir, String pkg) {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("node_modules").resolve(pkg);
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        return null;
    }

    static Path logDir() throws java.io.IOException {
        Path dir = repoRoot().resolve("http/target/it-logs");
        Files.createDirectories(dir);
        return dir;
    }
}
