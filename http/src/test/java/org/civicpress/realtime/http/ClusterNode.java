package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One node of a 3-node test cluster as a child JVM ({@code java -jar realtime-server.jar}), joined by Cluster
 * Bootstrap with config discovery (the same local-cluster-common.conf as deploy/local-cluster), journal in a
 * shared PostgreSQL. Ports stay fixed across restarts so the other nodes' contact points stay valid.
 */
final class ClusterNode implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    final int index;
    final int wsPort;
    final int managementPort;
    final int remotePort;
    private final Path dir;
    private final Path log;
    private final Map<String, String> databaseEnv;
    private Process process;
    /** Per launch, in order: wall-clock ms of start and of the end (SIGKILL/exit seen; MAX_VALUE while running). */
    final List<long[]> lifetimes = new ArrayList<>();

    ClusterNode(int index, int wsPort, int managementPort, int remotePort, Path dir, Map<String, String> databaseEnv)
            throws IOException {
        this.index = index;
        this.wsPort = wsPort;
        this.managementPort = managementPort;
        this.remotePort = remotePort;
        this.dir = dir;
        // it-logs/cluster-nodeN-<run dir>.log: concurrent runs never share a log.
        this.log = ItPaths.logDir().resolve("cluster-node" + index + "-" + dir.getFileName() + ".log");
        this.databaseEnv = databaseEnv;
        Files.deleteIfExists(log);
    }

    /** Writes this node's HOCON file: its ports and the contact points of all nodes. */
    void writeConfig(List<ClusterNode> all) throws IOException {
        String endpoints = all.stream()
                .map(n -> "  { host = \"127.0.0.1\", port = " + n.managementPort + " }")
                .collect(Collectors.joining(",\n"));
        Files.writeString(
                configFile(),
                String.join(
                        "\n",
                        "include classpath(\"local-cluster-common.conf\")",
                        "pekko.remote.artery.canonical.port = " + remotePort,
                        "pekko.management.http.port = " + managementPort,
                        "pekko.management.http.bind-port = " + managementPort,
                        "pekko.discovery.config.services.realtime.endpoints = [\n" + endpoints + "\n]",
                        ""));
    }

    private Path configFile() {
        return dir.resolve("node" + index + ".conf");
    }

    /** Starts the JVM (not waiting for it); its output is appended to it-logs/cluster-nodeN.log. */
    void launch() throws IOException {
        Files.createDirectories(dir.resolve("node" + index));
        Files.writeString(
                log,
                "==== launch " + java.time.Instant.now() + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dconfig.file=" + configFile(),
                "-jar",
                ItPaths.serverJar().toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("REALTIME_PORT", Integer.toString(wsPort));
        builder.environment().put("REALTIME_HOST", "127.0.0.1");
        builder.environment()
                .put("REALTIME_DATA_DIR", dir.resolve("node" + index).toString());
        builder.environment().put("REALTIME_CLUSTER_NODE_NAME", "node-" + index);
        builder.environment().putAll(databaseEnv);
        process = builder.start();
        lifetimes.add(new long[] {System.currentTimeMillis(), Long.MAX_VALUE});
    }

    private void ended() {
        lifetimes.get(lifetimes.size() - 1)[1] = System.currentTimeMillis();
    }

    /** Polls management /ready until 200; returns every status seen (-1: not listening yet). */
    List<Integer> awaitReady(Duration timeout) throws IOException, InterruptedException {
        List<Integer> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("node " + index + " exited with " + process.exitValue() + " during start; log " + log + ":\n"
                        + logTail());
            }
            int status = managementStatus("/ready");
            if (seen.isEmpty() || seen.get(seen.size() - 1) != status) {
                seen.add(status);
            }
            if (status == 200) {
                return seen;
            }
            Thread.sleep(100);
        }
        return fail("node " + index + " not ready after " + timeout.toSeconds() + " s; log " + log + ":\n" + logTail());
    }

    /** Status of a management GET, -1 when nothing listens. */
    int managementStatus(String path) throws InterruptedException {
        try {
            return managementGet(path).statusCode();
        } catch (IOException notListening) {
            return -1;
        }
    }

    HttpResponse<String> managementGet(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode managementJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = managementGet(path);
        if (response.statusCode() != 200) {
            fail("GET " + path + " on node " + index + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Number of live entities this node hosts in the given shard (0 if the shard is elsewhere). */
    int entitiesInShard(String shardId) throws IOException, InterruptedException {
        for (JsonNode region : managementJson("/cluster/shards/room").path("regions")) {
            if (shardId.equals(region.path("shardId").asText())) {
                return region.path("numEntities").asInt();
            }
        }
        return 0;
    }

    String wsBase() {
        return "ws://127.0.0.1:" + wsPort + "/realtime";
    }

    String address() {
        return "pekko://realtime@127.0.0.1:" + remotePort;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL (kill -9). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        ended(); // nothing of this JVM runs after this instant
    }

    /** SIGTERM (graceful leave); returns the exit code, fails if the node needs more than {@code timeout}. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            fail("node " + index + " still running " + timeout.toSeconds() + " s after SIGTERM; log " + log + ":\n"
                    + logTail());
        }
        ended();
        return process.exitValue();
    }

    String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The log of each launch, in launch order (launch() writes a "==== launch" line first). */
    List<String> logPerLaunch() throws IOException {
        List<String> parts = new ArrayList<>(List.of(logText().split("(?m)^==== launch ")));
        parts.remove(0); // before the first launch line: nothing
        return parts;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
