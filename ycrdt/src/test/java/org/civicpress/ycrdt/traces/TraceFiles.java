package org.civicpress.ycrdt.traces;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.civicpress.ycrdt.conformance.RepoPaths;

/**
 * Reads what js/conformance/traces.mjs writes: the traces as compact patch files, the Yjs updates made
 * from them and Yjs's final state. Positions are UTF-16 offsets (the script refuses astral characters).
 */
public final class TraceFiles {
    private TraceFiles() {}

    public record Patch(int pos, int del, String text) {}

    public record Txn(int agent, int[] parents, List<Patch> patches) {}

    /** A sequential trace is one txn per patch by agent 0 with the previous patch as parent. */
    public record Trace(boolean concurrent, String startContent, String endContent, int numAgents, List<Txn> txns) {}

    /** Runs node once to convert every named trace into outDir; returns outDir. */
    public static Path generate(Path outDir, String... names) throws IOException, InterruptedException {
        Path js = RepoPaths.requireNodeModules();
        Files.createDirectories(outDir);
        List<String> cmd = new ArrayList<>(List.of(
                RepoPaths.nodeBinary(),
                "--max-old-space-size=4096",
                js.resolve("conformance/traces.mjs").toString(),
                RepoPaths.tracesDir().toString(),
                outDir.toString()));
        cmd.addAll(List.of(names));
        Path log = outDir.resolve("traces-node.log");
        Process p = new ProcessBuilder(cmd)
                .directory(js.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("node traces.mjs did not finish in 600 s; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    "node traces.mjs failed (exit " + p.exitValue() + "): " + Files.readString(log));
        }
        return outDir;
    }

    public static Trace readTrace(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int kind = in.readUnsignedByte();
            String end = str(in);
            String start = str(in);
            List<Txn> txns = new ArrayList<>();
            if (kind == 'S') {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    txns.add(new Txn(0, i == 0 ? new int[0] : new int[] {i - 1}, List.of(patch(in))));
                }
                return new Trace(false, start, end, 1, txns);
            }
            int agents = in.readInt();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                int agent = in.readInt();
                int[] parents = new int[in.readInt()];
                for (int k = 0; k < parents.length; k++) {
                    parents[k] = in.readInt();
                }
                int np = in.readInt();
                List<Patch> patches = new ArrayList<>(np);
                for (int k = 0; k < np; k++) {
                    patches.add(patch(in));
                }
                txns.add(new Txn(agent, parents, patches));
            }
            return new Trace(true, start, end, agents, txns);
        }
    }

    public static List<byte[]> readUpdates(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int n = in.readInt();
            List<byte[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                out.add(b);
            }
            return out;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(new BufferedInputStream(raw, 1 << 16));
    }

    private static Patch patch(DataInputStream in) throws IOException {
        int pos = in.readInt();
        int del = in.readInt();
        return new Patch(pos, del, str(in));
    }

    private static String str(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
