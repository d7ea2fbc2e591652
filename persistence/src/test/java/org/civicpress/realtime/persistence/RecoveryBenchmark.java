package org.civicpress.realtime.persistence;

import static org.civicpress.realtime.persistence.RoomJdbcTest.pekkoConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark (bench/bench-recovery.sh, figures in docs/benchmarks.md "Room recovery without snapshots"): rooms of
 * N journal events of one update each (the first N edits of the automerge-paper trace, as human-speed typing
 * journals them), no snapshot, in H2 (or PostgreSQL with {@code -Drecovery.bench.postgres=true}). Each run
 * starts a new incarnation of the room and times start -> its answer to Inspect (recovery + encoding the
 * document), and checks the document is byte-equal to applying the updates one by one. The first run of the
 * JVM is reported apart: it is the one a restarted server pays (cold engine and journal code).
 * Runs only with {@code -Drecovery.bench=true}.
 */
@EnabledIfSystemProperty(named = "recovery.bench", matches = "true")
class RecoveryBenchmark {
    private static final String SIZES = System.getProperty("recovery.bench.sizes", "1000,100000");
    private static final int RUNS = Integer.getInteger("recovery.bench.runs", 5);
    private static final int WRITE_BATCH = 1000;

    /** Writes events under a room's persistence id, many per journal write (a room writes one per group commit). */
    static final class Writer extends EventSourcedBehavior<Writer.Write, Room.Event, Long> {
        record Write(List<Room.Event> events, ActorRef<Long> replyTo) {}

        Writer(String roomId) {
            super(PersistenceId.of(Room.TYPE_KEY.name(), roomId));
        }

        @Override
        public Long emptyState() {
            return 0L;
        }

        @Override
        public CommandHandler<Write, Room.Event, Long> commandHandler() {
            return newCommandHandlerBuilder()
                    .forAnyState()
                    .onCommand(
                            Write.class, (s, w) -> Effect().persist(w.events()).thenRun(n -> w.replyTo()
                                    .tell(n)))
                    .build();
        }

        @Override
        public EventHandler<Long, Room.Event> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
        }
    }

    @Test
    void recoveryWithoutSnapshots(@TempDir Path dir) throws Exception {
        int[] sizes =
                Arrays.stream(SIZES.split(",")).mapToInt(Integer::parseInt).toArray();
        int max = Arrays.stream(sizes).max().orElseThrow();
        List<byte[]> updates = HistoryBenchmark.traceUpdates(max);
        boolean postgres = Boolean.getBoolean("recovery.bench.postgres");
        DatabaseSettings db;
        AutoCloseable pg = null;
        if (postgres) {
            var server = org.civicpress.realtime.persistence.testing.PostgresTestServer.start();
            pg = server;
            db = server.settings();
        } else {
            db = DatabaseSettings.h2In(dir);
        }
        SchemaCreator.ensureSchema(db);
        ActorTestKit kit = ActorTestKit.create("RecoveryBenchmark", pekkoConfig(db));
        StringBuilder report = new StringBuilder();
        report.append(postgres ? "postgres" : "h2")
                .append(" runs=")
                .append(RUNS)
                .append('\n');
        try {
            RoomSettings settings = RoomSettings.defaults().withSnapshotsEnabled(false);
            RoomServices services = RoomServices.defaults(HookSystem.inProcess());
            for (int n : sizes) {
                String roomId = "bench-" + n;
                List<byte[]> part = updates.subList(0, n);
                long w0 = System.nanoTime();
                ActorRef<Writer.Write> writer = kit.spawn(new Writer(roomId), "writer-" + n);
                TestProbe<Long> written = kit.createTestProbe();
                for (int i = 0; i < n; i += WRITE_BATCH) {
                    List<Room.Event> events = new ArrayList<>();
                    for (int j = i; j < Math.min(n, i + WRITE_BATCH); j++) {
                        events.add(new Room.UpdatesJournaled(
                                List.of(new Room.JournaledUpdate(part.get(j), "u", "c" + j, 1_700_000_000_000L + j))));
                    }
                    writer.tell(new Writer.Write(events, written.getRef()));
                    written.expectMessageClass(Long.class, Duration.ofMinutes(2));
                }
                kit.stop(writer);
                long writeMs = (System.nanoTime() - w0) / 1_000_000;
                Doc oneByOne = new Doc();
                for (byte[] u : part) Y.applyUpdate(oneByOne, u);
                byte[] expected = Y.encodeStateAsUpdate(oneByOne);
                long[] times = new long[RUNS];
                long first = 0;
                for (int r = 0; r <= RUNS; r++) {
                    long t0 = System.nanoTime();
                    ActorRef<Room.Command> room =
                            kit.spawn(Room.create(roomId, settings, services, null), roomId + "-" + r);
                    TestProbe<Room.Inspection> probe = kit.createTestProbe();
                    room.tell(new Room.Inspect(probe.getRef()));
                    Room.Inspection inspection = probe.expectMessageClass(Room.Inspection.class, Duration.ofMinutes(5));
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    if (r == 0) first = ms;
                    else times[r - 1] = ms;
                    assertTrue(inspection.sequenceNr() >= n, "sequenceNr " + inspection.sequenceNr());
                    assertArrayEquals(expected, inspection.encodedState(), "recovered document");
                    kit.stop(room);
                }
                long[] sorted = times.clone();
                Arrays.sort(sorted);
                report.append(String.format(
                        "%d events of one update (written in %d ms): first recovery in this JVM %d ms, then median %d ms (min %d, max %d)%n",
                        n, writeMs, first, sorted[RUNS / 2], sorted[0], sorted[RUNS - 1]));
            }
        } finally {
            ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(60), false);
            if (pg != null) pg.close();
        }
        System.err.println("RECOVERY-BENCH\n" + report);
        Path out = Path.of("target", "bench-recovery.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
    }
}
