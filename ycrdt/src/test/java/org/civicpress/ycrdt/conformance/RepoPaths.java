package org.civicpress.ycrdt.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.fail;

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

  /** Fails (never skips) when the node dependencies are missing: the conformance checks need real Yjs. */
  public static Path requireNodeModules() {
    Path yjs = jsDir().resolve("node_modules/yjs/package.json");
    if (!Files.isRegularFile(yjs)) {
      fail("js/node_modules is missing (no " + yjs + "): run npm ci --prefix js from the repository root");
    }
    return jsDir();
  }

  /** The editing traces live beside the checkout, never inside it. */
  public static Path tracesDir() {
    return repoRoot().resolve("../shared/traces").normalize();
  }

  public static String nodeBinary() {
    return System.getProperty("node", "node");
  }
}
