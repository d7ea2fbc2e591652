package org.civicpress.ycrdt.conformance;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;

/** Damaged versions of a scenario's real updates: the engine must reject them cleanly or stay sound. */
final class DamagedUpdates {
    private static final String REMOTE = "remote";

    private DamagedUpdates() {}

    /**
     * Any strict prefix of a v1 update is malformed (the full parse needs its last byte): the engine must say
     * so with InvalidUpdateException and leave the document, pending state included, exactly as it was.
     */
    static void truncated(Scenario sc) {
        Checks c = new Checks("seed " + sc.seed() + ": truncated update handling; " + sc.replayHint());
        SplittableRandom r = new SplittableRandom(sc.seed());
        Doc doc = Engine.newDoc(Engine.UNSET_CLIENT, sc.gc());
        List<byte[]> d = sc.delivered(false);
        int prefix = r.nextInt(d.size() + 1);
        for (int i = 0; i < prefix; i++) {
            Y.applyUpdate(doc, d.get(i), REMOTE);
        }
        byte[] before = Y.encodeStateAsUpdate(doc);
        boolean pendingBefore = doc.hasPending();
        for (int t = 0; t < 3; t++) {
            byte[] u = sc.updatesV1().get(r.nextInt(sc.updatesV1().size()));
            byte[] cut = Arrays.copyOf(u, r.nextInt(u.length));
            try {
                Y.applyUpdate(doc, cut, REMOTE);
                c.fail("no InvalidUpdateException for a " + cut.length + "-byte prefix of a " + u.length
                        + "-byte update: " + Scenario.b64(u));
            } catch (InvalidUpdateException expected) {
                // the typed error is the point; the state must be untouched too
            } catch (RuntimeException e) {
                c.fail("a " + cut.length + "-byte prefix of " + Scenario.b64(u) + " threw " + e
                        + " instead of InvalidUpdateException");
            }
            c.bytes(
                    "state after rejected update (prefix " + cut.length + " of " + Scenario.b64(u) + ")",
                    before,
                    Y.encodeStateAsUpdate(doc));
            c.equal("hasPending after rejected update", pendingBefore, doc.hasPending());
        }
        c.assertOk();
    }

    /**
     * Random byte damage to real updates (v1 and v2): the engine either rejects the update with
     * InvalidUpdateException, leaving the document and its pending state exactly as they were, or accepts it
     * and still encodes and renders the document. Anything else (another exception, an Error) is a bug.
     */
    static void corrupted(Scenario sc) {
        Checks c = new Checks("seed " + sc.seed() + ": corrupted update handling; " + sc.replayHint());
        SplittableRandom r = new SplittableRandom(sc.seed() ^ 0x5DEECE66DL);
        List<byte[]> d = sc.delivered(false);
        int prefix = r.nextInt(d.size() + 1);
        for (int t = 0; t < 6; t++) {
            boolean v2 = r.nextBoolean();
            Doc doc = Engine.newDoc(Engine.UNSET_CLIENT, sc.gc());
            for (int i = 0; i < prefix; i++) {
                Y.applyUpdate(doc, d.get(i), REMOTE);
            }
            byte[] before = Y.encodeStateAsUpdate(doc);
            boolean pendingBefore = doc.hasPending();
            byte[] u = (v2 ? sc.updatesV2() : sc.updatesV1())
                    .get(r.nextInt(sc.updatesV1().size()));
            byte[] bad = corrupt(r, u);
            String what = (v2 ? "v2" : "v1") + " update " + Scenario.b64(bad) + " (corrupted from " + Scenario.b64(u)
                    + ") after " + prefix + " deliveries";
            try {
                if (v2) {
                    Y.applyUpdateV2(doc, bad, REMOTE);
                } else {
                    Y.applyUpdate(doc, bad, REMOTE);
                }
            } catch (InvalidUpdateException expected) {
                c.bytes("state after rejecting " + what, before, Y.encodeStateAsUpdate(doc));
                c.equal("hasPending after rejecting " + what, pendingBefore, doc.hasPending());
                continue;
            } catch (Throwable e) {
                c.fail(what + " threw " + e + " instead of InvalidUpdateException");
                continue;
            }
            try {
                Y.encodeStateAsUpdate(doc);
                Y.encodeStateAsUpdateV2(doc, null);
                ConformanceTest.view(doc);
            } catch (Throwable e) {
                c.fail(what + " was accepted, then the doc failed to encode or render: " + e);
            }
        }
        c.assertOk();
    }

    private static byte[] corrupt(SplittableRandom r, byte[] u) {
        byte[] b = u.clone();
        switch (r.nextInt(4)) {
            case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8)); // one bit
            case 1 -> b[r.nextInt(b.length)] = (byte) 0xFF; // a varint that never ends / a huge length
            case 2 -> {
                for (int k = 0; k < 3; k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            default -> { // a run of bytes duplicated in place
                int from = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(8, b.length - from));
                byte[] out = new byte[b.length + len];
                System.arraycopy(b, 0, out, 0, from + len);
                System.arraycopy(b, from, out, from + len, b.length - from);
                b = out;
            }
        }
        return b;
    }
}
