package org.civicpress.realtime.persistence;

import static org.civicpress.realtime.persistence.RoomJdbcTest.join;
import static org.civicpress.realtime.persistence.RoomJdbcTest.next;
import static org.civicpress.realtime.persistence.RoomJdbcTest.pekkoConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.history.AsOf;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (bench/bench-history.sh, figures in docs/benchmarks.md "History: as-of reconstruction"): a room of
 * N updates (the first N edits of the automerge-paper trace, sent to the room actor in bursts of
 * {@code history.bench.burst} and journaled by its group commit into H2), then the document as of several points read with {@link RoomHistory#documentAt}, with
 * snapshots (every {@code history.bench.snapshot-every} updates, kept by {@code history.retain_events}) and
 * without. Also in memory: the same full replay merged first (what AsOf does) vs applied one update at a time.
 * Runs only with {@code -Dhistory.bench=true}.
 */
@EnabledIfSystemProperty(named = "history.bench", matches = "true")
class HistoryBenchmark {
    private static final int UPDATES = Integer.getInteger("history.bench.updates", 100_000);
    private static final int SNAPSHOT_EVERY = Integer.getInteger("history.bench.snapshot-every", 1000);
    private static final int RUNS = Integer.getInteger("history.bench.runs", 5);
    /** Updates sent before waiting for the journal (one by one costs ~5 ms per update in H2 here). */
    private static final int BURST = Integer.getInteger("history.bench.burst", 20);

    @Test
    void asOfReconstruction(@TempDir Path dir) throws Exception {
        List<byte[]> updates = traceUpdates(UPDATES);
        StringBuilder report = new StringBuilder();
        report.append("updates=")
                .append(updates.size())
                .append(" burst=")
                .append(BURST)
                .append(" snapshotEvery=")
                .append(SNAPSHOT_EVERY)
                .append(" runs=")
                .append(RUNS)
                .append(" (median ms)\n");
        inMemory(updates, report);
        for (boolean snapshots : new boolean[] {true, false}) {
            room(dir.resolve(snapshots ? "with" : "without"), updates, snapshots, report);
        }
        System.err.println("HISTORY-BENCH\n" + report);
        Path out = Path.of("target", "bench-history.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
    }

    private static void inMemory(List<byte[]> updates, StringBuilder report) {
        long[] merged = new long[RUNS];
        long[] oneByOne = new long[RUNS];
        String expected = null;
        for (int r = 0; r < RUNS + 1; r++) {
            long t0 = System.nanoTime();
            Doc a = AsOf.rebuild(null, updates);
            long t1 = System.nanoTime();
            Doc b = new Doc();
            for (byte[] u : updates) Y.applyUpdate(b, u);
            long t2 = System.nanoTime();
            if (r == 0) {
                expected = a.getText("t").toString();
                assertEquals(expected, b.getText("t").toString());
                continue; // warm-up
            }
            merged[r - 1] = (t1 - t0) / 1_000_000;
            oneByOne[r - 1] = (t2 - t1) / 1_000_000;
        }
        report.append("in memory, full replay: merged ")
                .append(median(merged))
                .append(" ms, one by one ")
                .append(median(oneByOne))
                .append(" ms\n");
    }

    private static void room(Path dataDir, List<byte[]> updates, boolean snapshots, StringBuilder report)
            throws Exception {
        DatabaseSettings db = DatabaseSettings.h2In(dataDir);
        SchemaCreator.ensureSchema(db);
        ActorTestKit kit = ActorTestKit.create("HistoryBenchmark", pekkoConfig(db));
        try {
            RoomSettings settings = RoomSettings.defaults()
                    .withSnapshotsEnabled(snapshots)
                    .withSnapshotEveryUpdates(SNAPSHOT_EVERY)
                    .withSnapshotInterval(Duration.ofHours(1))
                    .withRetainEventsFor(Duration.ofDays(1));
            ActorRef<Room.Command> room =
                    kit.spawn(Room.create("bench", settings, RoomServices.defaults(HookSystem.inProcess()), null));
            TestProbe<SocketOut.Written> socket = join(kit, room, "c1");
            next(socket);
            long w0 = System.nanoTime();
            TestProbe<Room.Inspection> inspect = kit.createTestProbe();
            for (int i = 0; i < updates.size(); i++) {
                room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(updates.get(i))));
                if ((i + 1) % BURST == 0 || i == updates.size() - 1) {
                    // a burst of typing: the room journals it in a few group commits; Inspect answers once
                    // the journal has all of it
                    room.tell(new Room.Inspect(inspect.getRef()));
                    inspect.expectMessageClass(Room.Inspection.class, Duration.ofMinutes(1));
                }
            }
            long writeMs = (System.nanoTime() - w0) / 1_000_000;
            RoomHistory history = new RoomHistory(kit.system(), Duration.ofMinutes(2));
            long last = history.documentAt("bench", Long.MAX_VALUE)
                    .toCompletableFuture()
                    .get(5, TimeUnit.MINUTES)
                    .sequenceNr();
            report.append(snapshots ? "with snapshots" : "without snapshots")
                    .append(" (journal written in ")
                    .append(writeMs)
                    .append(" ms, ")
                    .append(last)
                    .append(" events):");
            for (long at : new long[] {last, last / 2 + 37, last / 4 + 501}) {
                long[] times = new long[RUNS];
                RoomHistory.PointInTime p = null;
                for (int r = 0; r < RUNS + 1; r++) {
                    long t0 = System.nanoTime();
                    p = history.documentAt("bench", at).toCompletableFuture().get(5, TimeUnit.MINUTES);
                    if (r > 0) times[r - 1] = (System.nanoTime() - t0) / 1_000_000;
                }
                report.append(" at ")
                        .append(at)
                        .append(": ")
                        .append(median(times))
                        .append(" ms (")
                        .append(p.updatesReplayed())
                        .append(" updates after snapshot ")
                        .append(p.snapshotSequenceNr())
                        .append(");");
            }
            report.append('\n');
        } finally {
            ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(60), false);
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The first {@code n} edits of automerge-paper as Yjs updates (one per single-character edit). */
    @SuppressWarnings("unchecked")
    static List<byte[]> traceUpdates(int n) throws Exception {
        Path trace = Path.of(System.getProperty("history.bench.trace", "../../shared/traces/automerge-paper.json.gz"));
        String json;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(trace))) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> parsed = (Map<String, Object>) Json.parse(json);
        Doc doc = new Doc();
        List<byte[]> updates = new ArrayList<>(n);
        doc.onUpdate((u, origin, tr) -> updates.add(u));
        var text = doc.getText("t");
        for (Object txn : (List<Object>) parsed.get("txns")) {
            for (Object patch : (List<Object>) ((Map<String, Object>) txn).get("patches")) {
                List<Object> p = (List<Object>) patch;
                int pos = ((Number) p.get(0)).intValue();
                int del = ((Number) p.get(1)).intValue();
                String ins = (String) p.get(2);
                if (del > 0) text.delete(pos, del); // ASCII trace: code points = UTF-16 units
                if (!ins.isEmpty()) text.insert(pos, ins);
                if (updates.size() >= n) return updates.subList(0, n);
            }
        }
        return updates;
    }
}
