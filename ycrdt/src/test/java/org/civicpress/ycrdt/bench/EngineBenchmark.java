package org.civicpress.ycrdt.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.traces.TraceFiles;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;

/**
 * The ycrdt side of bench/bench-ycrdt.sh (not a test): the same four measurements bench/yjs-engine.mjs
 * makes with Yjs, on the same pre-generated update bytes. Prints one JSON line with medians.
 *
 *   java -cp ycrdt/target/classes:ycrdt/target/test-classes org.civicpress.ycrdt.bench.EngineBenchmark \
 *        UPDATES_FILE [runs=7] [warmups=3]
 */
public final class EngineBenchmark {
    private static final int MERGE_COUNT = 10_000;

    private EngineBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: EngineBenchmark UPDATES_FILE [runs] [warmups]");
            System.exit(2);
        }
        List<byte[]> updates = TraceFiles.readUpdates(Path.of(args[0]));
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<byte[]> first = updates.subList(0, Math.min(MERGE_COUNT, updates.size()));

        long[] apply = new long[runs];
        long[] roundTrip = new long[runs];
        long[] merge = new long[runs];
        int stateSize = -1;
        String text = null;
        for (int i = -warmups; i < runs; i++) {
            long t0 = System.nanoTime();
            Doc doc = applyAll(updates);
            long t1 = System.nanoTime();
            byte[] state = Y.encodeStateAsUpdate(doc);
            Doc copy = newDoc();
            Y.applyUpdate(copy, state);
            long t2 = System.nanoTime();
            byte[] merged = Y.mergeUpdates(first);
            long t3 = System.nanoTime();
            if (i >= 0) {
                apply[i] = t1 - t0;
                roundTrip[i] = t2 - t1;
                merge[i] = t3 - t2;
            }
            stateSize = state.length;
            text = copy.getText("text").toString();
            if (merged.length == 0 || !text.equals(doc.getText("text").toString())) {
                throw new IllegalStateException("round trip lost content");
            }
        }
        long heap = retainedHeap(updates);
        System.out.printf(
                Locale.ROOT,
                "{\"engine\":\"ycrdt\",\"updates\":%d,\"runs\":%d,\"applyMs\":%.1f,\"encodeParseMs\":%.1f,\"stateBytes\":%d,"
                        + "\"merge10kMs\":%.2f,\"heapBytes\":%d,\"textLength\":%d}%n",
                updates.size(),
                runs,
                median(apply),
                median(roundTrip),
                stateSize,
                median(merge),
                heap,
                text.length());
    }

    private static Doc newDoc() {
        return new Doc(DocOptions.defaults());
    }

    private static Doc applyAll(List<byte[]> updates) {
        Doc doc = newDoc();
        doc.getText("text");
        for (byte[] u : updates) {
            Y.applyUpdate(doc, u);
        }
        return doc;
    }

    /** Used heap after full GCs, with the updates already loaded before the first reading and the doc strongly held. */
    private static long retainedHeap(List<byte[]> updates) throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long before = settledUsed(mx);
        Doc doc = applyAll(updates);
        long after = settledUsed(mx);
        if (doc.getText("text").length() < 0) {
            throw new IllegalStateException(); // keeps doc reachable until after the reading
        }
        return after - before;
    }

    private static long settledUsed(MemoryMXBean mx) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100); // let concurrent GC phases finish; a reading, not synchronization
            used = Math.min(used, mx.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static double median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double m = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        return m / 1e6;
    }
}
