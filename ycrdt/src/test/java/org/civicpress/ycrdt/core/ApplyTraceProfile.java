package org.civicpress.ycrdt.core;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.util.ArrayList;
import java.util.List;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;

/** Profiling main (not a test): applies length-prefixed V1 updates from a file one by one. */
public final class ApplyTraceProfile {
    private ApplyTraceProfile() {}

    public static void main(String[] args) throws Exception {
        List<byte[]> ups = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(args[0]), 1 << 16))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                ups.add(b);
            }
        }
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        for (int r = 0; r < runs; r++) {
            Doc doc = new Doc();
            doc.getText("text");
            long t0 = System.nanoTime();
            for (byte[] u : ups) {
                Y.applyUpdate(doc, u);
            }
            long t1 = System.nanoTime();
            System.out.printf(
                    "apply %.1f ms, len %d, structs %d%n",
                    (t1 - t0) / 1e6,
                    doc.getText("text").length(),
                    doc.store.clients.values().iterator().next().size());
        }
    }
}
