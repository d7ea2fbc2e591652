package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the real-process tests find the server jar, the node clients and their node_modules. */
final class ItPaths {
    private ItPaths() {
    }

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
        assertTrue(Files.isRegularFile(jar), "server jar " + jar + " is missing: run mvn -B verify (it is built in package)");
        return jar;
    }

    /** The js/clients folder; fails (never skips) when node_modules is missing. */
    static Path clients() {
        Path js = repoRoot().resolve("js");
        if (!Files.isDirectory(js.resolve("node_modules/y-websocket")) || !Files.isDirectory(js.resolve("node_modules/yjs"))) {
            fail(js.resolve("node_modules") + " has no y-websocket/yjs: run npm ci --prefix js");
        }
        return js.resolve("clients");
    }

    static Path logDir() throws java.io.IOException {
        Path dir = repoRoot().resolve("http/target/it-logs");
        Files.createDirectories(dir);
        return dir;
    }
}
