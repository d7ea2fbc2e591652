package org.civicpress.ycrdt.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the repository, its node scripts and the shared editing traces are, seen from a test's working directory. */
public final class RepoPaths {
    private RepoPaths() {}

    /** The checkout root: the nearest ancestor of the working directory holding js/package.json. */
    public static Path repoRoot() {
        Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("js/package.json")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (js/package.json) above " + dir);
    }

    public static Path jsDir() {
        return repoRoot().resolve("js");
    }

    /**
     * Fails (never skips) when node cannot find yjs from js/conformance: the conformance checks need real Yjs.
     * Looks the way node resolves it (the nearest node_modules/yjs walking up), because the root npm workspace
     * hoists packages to node_modules at the repository root.
     */
    public static Path requireNodeModules() {
        Path from = jsDir().resolve("conformance");
        for (Path p = from; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("node_modules/yjs/package.json"))) {
                return jsDir();
            }
        }
        return fail("node cannot find yjs from " + from + ": run npm ci at the repository root " + repoRoot());
    }

    /** The editing traces live beside the checkout, never inside it. */
    public static Path tracesDir() {
        return repoRoot().resolve("../shared/traces").normalize();
    }

    public static String nodeBinary() {
        return System.getProperty("node", "node");
    }
}
