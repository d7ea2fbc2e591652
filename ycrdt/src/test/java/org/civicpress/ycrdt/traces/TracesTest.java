package org.civicpress.ycrdt.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.conformance.Engine;
import org.civicpress.ycrdt.conformance.RepoPaths;
import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real editing traces (../shared/traces beside the checkout) replayed in ycrdt: the updates Yjs 13.6.33
 * makes from them, and the same edits made through the Java API, must reach the trace's endContent and
 * the very bytes Yjs produces.
 */
class TracesTest {
    private static Path out;

    @BeforeAll
    static void generate() throws Exception {
        Path traces = RepoPaths.tracesDir();
        assumeTrue(
                Files.isRegularFile(traces.resolve("automerge-paper.json.gz")),
                "editing traces not found at " + traces
                        + " (expected <repoRoot>/../shared/traces): trace tests skipped");
        out = TraceFiles.generate(RepoPaths.repoRoot().resolve("ycrdt/target/trace-updates"));
    }

    private static TraceFiles.Trace trace(String name) throws Exception {
        return TraceFiles.readTrace(out.resolve(name + ".patches.bin"));
    }

    private static List<byte[]> yjsUpdates(String name) throws Exception {
        return TraceFiles.readUpdates(out.resolve(name + ".updates.bin"));
    }

    private static byte[] yjsState(String name) throws Exception {
        return Files.readAllBytes(out.resolve(name + ".state.bin"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"automerge-paper", "seph-blog1"})
    void sequentialYjsUpdatesAppliedOneByOne(String name) throws Exception {
        TraceFiles.Trace t = trace(name);
        Doc doc = Engine.newDoc(1000, true);
        for (byte[] u : yjsUpdates(name)) {
            Y.applyUpdate(doc, u);
        }
        assertFalse(doc.hasPending());
        assertTextEquals(t.endContent(), doc.getText("text").toString(), name + ": Java doc fed Yjs's updates");
        assertBytes(yjsState(name), Y.encodeStateAsUpdate(doc), name + ": encodeStateAsUpdate after Yjs's updates");
    }

    @ParameterizedTest
    @ValueSource(strings = {"automerge-paper", "seph-blog1"})
    void sequentialEditsThroughJavaApiMakeYjsBytes(String name) throws Exception {
        TraceFiles.Trace t = trace(name);
        List<byte[]> expected = yjsUpdates(name);
        Doc doc = Engine.newDoc(1, true);
        YText text = doc.getText("text");
        List<byte[]> made = new ArrayList<>(expected.size());
        doc.onUpdate((u, origin, tr) -> made.add(u));
        if (!t.startContent().isEmpty()) {
            text.insert(0, t.startContent());
        }
        for (TraceFiles.Txn txn : t.txns()) {
            for (TraceFiles.Patch p : txn.patches()) {
                doc.transact(tr -> apply(text, p));
            }
        }
        assertTextEquals(t.endContent(), text.toString(), name + ": Java API replay");
        assertSameUpdates(expected, made, name);
        assertBytes(
                yjsState(name), Y.encodeStateAsUpdate(doc), name + ": encodeStateAsUpdate after the Java API replay");
    }

    @Test
    void concurrentYjsUpdatesAppliedInJava() throws Exception {
        TraceFiles.Trace t = trace("friendsforever");
        Doc doc = Engine.newDoc(1000, true);
        for (byte[] u : yjsUpdates("friendsforever")) {
            Y.applyUpdate(doc, u);
        }
        assertFalse(doc.hasPending());
        assertTextEquals(t.endContent(), doc.getText("text").toString(), "friendsforever: Java doc fed Yjs's updates");
        assertBytes(yjsState("friendsforever"), Y.encodeStateAsUpdate(doc), "friendsforever: encodeStateAsUpdate");
    }

    /** One Java replica per agent, merging the parents' updates before each txn, as the traces README says. */
    @Test
    void concurrentReplayWithJavaReplicas() throws Exception {
        TraceFiles.Trace t = trace("friendsforever");
        List<byte[]> expected = yjsUpdates("friendsforever");
        int n = t.txns().size();
        Doc[] docs = new Doc[t.numAgents()];
        boolean[][] applied = new boolean[t.numAgents()][n];
        for (int a = 0; a < docs.length; a++) {
            docs[a] = Engine.newDoc(a + 1, true);
        }
        List<byte[]> made = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TraceFiles.Txn txn = t.txns().get(i);
            Doc doc = docs[txn.agent()];
            boolean[] seen = applied[txn.agent()];
            List<Integer> need = new ArrayList<>();
            ArrayList<Integer> stack = new ArrayList<>();
            for (int p : txn.parents()) {
                stack.add(p);
            }
            while (!stack.isEmpty()) {
                int x = stack.remove(stack.size() - 1);
                if (seen[x]) {
                    continue;
                }
                seen[x] = true;
                need.add(x);
                for (int p : t.txns().get(x).parents()) {
                    stack.add(p);
                }
            }
            need.sort(null); // parents have smaller indexes, so ascending order is causal
            for (int x : need) {
                Y.applyUpdate(doc, made.get(x));
            }
            byte[][] update = new byte[1][];
            Runnable off = doc.onUpdate((u, origin, tr) -> update[0] = u);
            YText text = doc.getText("text");
            doc.transact(tr -> txn.patches().forEach(p -> apply(text, p)));
            off.run();
            seen[i] = true;
            assertTrue(update[0] != null, "txn " + i + " produced no update");
            made.add(update[0]);
        }
        assertSameUpdates(expected, made, "friendsforever");
        for (int a = 0; a < docs.length; a++) {
            for (byte[] u : made) {
                Y.applyUpdate(docs[a], u);
            }
            assertTextEquals(
                    t.endContent(), docs[a].getText("text").toString(), "friendsforever: Java replica of agent " + a);
        }
    }

    private static void apply(YText text, TraceFiles.Patch p) {
        if (p.del() > 0) {
            text.delete(p.pos(), p.del());
        }
        if (!p.text().isEmpty()) {
            text.insert(p.pos(), p.text());
        }
    }

    private static void assertSameUpdates(List<byte[]> expected, List<byte[]> actual, String name) {
        assertEquals(expected.size(), actual.size(), name + ": number of updates");
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(expected.get(i), actual.get(i))) {
                mismatches++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (mismatches > 0) {
            Base64.Encoder b = Base64.getEncoder();
            throw new AssertionError(name + ": " + mismatches + " of " + expected.size()
                    + " updates differ from Yjs's; first #" + first + ": expected "
                    + b.encodeToString(expected.get(first)) + " but was " + b.encodeToString(actual.get(first)));
        }
    }

    private static void assertBytes(byte[] expected, byte[] actual, String what) {
        if (!Arrays.equals(expected, actual)) {
            int i = 0;
            while (i < Math.min(expected.length, actual.length) && expected[i] == actual[i]) {
                i++;
            }
            throw new AssertionError(what + ": bytes differ from Yjs's at index " + i + " (expected length "
                    + expected.length + ", actual " + actual.length + ")");
        }
    }

    private static void assertTextEquals(String expected, String actual, String what) {
        if (!expected.equals(actual)) {
            int i = 0;
            while (i < Math.min(expected.length(), actual.length()) && expected.charAt(i) == actual.charAt(i)) {
                i++;
            }
            throw new AssertionError(what + ": text differs from endContent at index " + i + " (expected length "
                    + expected.length() + ", actual " + actual.length() + "): expected \"" + clip(expected, i)
                    + "\" but was \"" + clip(actual, i) + "\"");
        }
    }

    private static String clip(String s, int at) {
        return s.substring(Math.max(0, at - 20), Math.min(s.length(), at + 40)).replace("\n", "\\n");
    }
}
