package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code snapshots.storage: filesystem} on the real server: snapshots are files under {@code <dataDir>/snapshots}
 * (old ones deleted by the retention), events stay in the H2 journal; after kill -9 the restarted room recovers
 * from a snapshot file plus the later events and holds every edit a client saw confirmed. A node configured for a
 * multi-node cluster refuses the node-local store.
 */
class FilesystemSnapshotIT {
    private static final Logger log = LoggerFactory.getLogger(FilesystemSnapshotIT.class);
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final Duration TYPING = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(300);
    private static final Map<String, String> FILESYSTEM_SNAPSHOTS = Map.of(
            "REALTIME_SNAPSHOTS_STORAGE", "filesystem",
            "REALTIME_SNAPSHOTS_MAX_UPDATES", "10",
            "REALTIME_LOG_LEVEL", "DEBUG");

    @TempDir
    Path dataDir;

    private final ChildProcesses processes = new ChildProcesses();

    @AfterEach
    void killEverything() {
        processes.close();
    }

    @Test
    void snapshotsAreFilesAndKillDashNineLosesNoConfirmedEdit() throws Exception {
        int port = ServerProcess.freePort();
        ServerProcess server = start(port, "fs-snapshots-before");
        String room = "fs-snapshots-" + UUID.randomUUID();
        Path snapshots = dataDir.resolve("snapshots");
        List<NodeClient> editors = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            NodeClient editor = NodeClient.editor("fs-snapshots-" + name, name, server.wsBase(), room, 100);
            processes.add(editor);
            editors.add(editor);
        }
        NodeClient.startTyping(editors, SYNC);
        // Retention: snapshots every 10 updates, two kept; the first file must go away while typing goes on.
        Poll.until(
                TYPING,
                POLL,
                () -> Poll.unless(!snapshotFiles(snapshots).isEmpty(), () -> "no snapshot file under " + snapshots));
        String firstSnapshot = snapshotFiles(snapshots).get(0);
        log.info("first snapshot file {}", firstSnapshot);
        Poll.until(TYPING, POLL, () -> {
            String missing = NodeClient.fewerConfirmedThan(editors, 40);
            if (missing != null) {
                return missing;
            }
            List<String> files = snapshotFiles(snapshots);
            return Poll.unless(
                    !files.contains(firstSnapshot), () -> "old snapshot " + firstSnapshot + " not deleted: " + files);
        });
        assertTrue(
                Files.readString(ItPaths.logDir().resolve("fs-snapshots-before.log"), StandardCharsets.UTF_8)
                        .contains("Snapshot store: files under " + snapshots.toAbsolutePath()),
                "the fsyncing store (FsyncedLocalSnapshotStore) writes the files");
        List<String> filesBeforeKill = snapshotFiles(snapshots);
        assertTrue(filesBeforeKill.size() <= 4, "retention keeps few snapshot files: " + filesBeforeKill);

        server.kill(); // SIGKILL while both are typing: no final snapshot, no flush
        Set<String> confirmedBeforeKill = new HashSet<>();
        for (NodeClient editor : editors) {
            editor.send("disconnect");
            confirmedBeforeKill.addAll(NodeClient.strings(editor.report().path("confirmed")));
        }
        log.info("kill -9 with {} confirmed edits, snapshot files {}", confirmedBeforeKill.size(), filesBeforeKill);

        ServerProcess restarted = start(port, "fs-snapshots-after");
        String recovered = serverText(restarted, room);
        List<String> lost = confirmedBeforeKill.stream()
                .filter(m -> !recovered.contains(m))
                .sorted()
                .toList();
        assertTrue(
                lost.isEmpty(),
                lost.size() + " of " + confirmedBeforeKill.size() + " confirmed edits missing after kill -9, e.g. "
                        + lost.subList(0, Math.min(5, lost.size())));

        // Events older than the kept snapshots were deleted from the journal: the document can only be whole if the
        // room started from a snapshot file and replayed fewer updates than the document holds edits.
        Pattern recoveredLine = Pattern.compile(
                "room " + Pattern.quote(room) + " recovered at sequence number (\\d+), (\\d+) updates replayed");
        Matcher m = null;
        for (String line :
                Files.readAllLines(ItPaths.logDir().resolve("fs-snapshots-after.log"), StandardCharsets.UTF_8)) {
            Matcher candidate = recoveredLine.matcher(line);
            if (candidate.find()) {
                m = candidate;
                break;
            }
        }
        assertTrue(m != null, "the restarted server logs the room's recovery: " + restarted.logTail());
        long sequenceNr = Long.parseLong(m.group(1));
        long replayed = Long.parseLong(m.group(2));
        log.info(
                "recovered at sequence number {} replaying {} updates, {} confirmed edits all present",
                sequenceNr,
                replayed,
                confirmedBeforeKill.size());
        assertTrue(
                replayed < confirmedBeforeKill.size(),
                "recovery replayed " + replayed + " updates for " + confirmedBeforeKill.size()
                        + " confirmed edits: it did not start from a snapshot file");
        for (NodeClient editor : editors) {
            editor.quit();
        }
    }

    @Test
    void aNodeOfAMultiNodeClusterRefusesFilesystemSnapshots() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(FILESYSTEM_SNAPSHOTS);
        env.put("REALTIME_CLUSTER_BOOTSTRAP", "on");
        ServerProcess server = ServerProcess.launch(dataDir, ServerProcess.freePort(), env, "fs-snapshots-cluster");
        processes.add(server);
        assertEquals(1, server.awaitExit(Duration.ofSeconds(60)), "the server refuses to start");
        String logText = Files.readString(ItPaths.logDir().resolve("fs-snapshots-cluster.log"), StandardCharsets.UTF_8);
        assertTrue(
                logText.contains("snapshots.storage") && logText.contains("multi-node cluster"),
                "the log says why: " + server.logTail());
    }

    private ServerProcess start(int port, String logName) throws Exception {
        ServerProcess server = ServerProcess.start(dataDir, port, FILESYSTEM_SNAPSHOTS, logName);
        processes.add(server);
        return server;
    }

    /** Finished snapshot files (Pekko writes {@code snapshot-<pid>-<seqNr>-<timestamp>tmp} and renames it), oldest first. */
    private static List<String> snapshotFiles(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("snapshot-") && !n.endsWith("tmp"))
                    .sorted((x, y) -> Long.compare(sequenceNr(x), sequenceNr(y)))
                    .toList();
        }
    }

    private static long sequenceNr(String fileName) {
        String[] parts = fileName.split("-");
        return Long.parseLong(parts[parts.length - 2]);
    }

    private static String serverText(ServerProcess server, String room) throws Exception {
        try (NodeClient reader = NodeClient.start(
                "fs-snapshots-reader-" + UUID.randomUUID(),
                "reader.mjs",
                List.of("--url", server.wsBase(), "--room", room, "--timeout", "60000"))) {
            return reader.await("state", SYNC).path("text").asText();
        }
    }
}
