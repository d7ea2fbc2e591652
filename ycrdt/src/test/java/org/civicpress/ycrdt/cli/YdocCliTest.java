package org.civicpress.ycrdt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.civicpress.ycrdt.utils.TopLevelTypes;
import org.civicpress.ycrdt.utils.Updates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ydoc CLI on updates produced by real Yjs (the three-clients case of updates-vectors.jsonl). */
class YdocCliTest {
    @TempDir
    static Path dir;

    static List<byte[]> v1;
    static List<byte[]> v2;
    /** Yjs's doc.toJSON() once the top-level types are typed. */
    static String expectedJson;
    /** Yjs's doc.toJSON() of a fresh doc that only applied the updates (untyped types are left out). */
    static String untypedJson;

    record Result(int code, String out, String err) {}

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void loadYjsUpdates() throws Exception {
        try (var in = YdocCliTest.class.getResourceAsStream("/org/civicpress/ycrdt/utils/updates-vectors.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                Map<String, Object> c = (Map<String, Object>) Json.parse(line);
                if (c.get("name").equals("three-clients-0")) {
                    v1 = ((List<Object>) c.get("v1"))
                            .stream()
                                    .map(o -> HexFormat.of().parseHex((String) o))
                                    .toList();
                    v2 = ((List<Object>) c.get("v2"))
                            .stream()
                                    .map(o -> HexFormat.of().parseHex((String) o))
                                    .toList();
                    expectedJson = (String) c.get("typedJson");
                    untypedJson = (String) c.get("json");
                }
            }
        }
    }

    /**
     * Same content; top-level key order may differ, as it follows the order in which the updates
     * created the types (here one by one, in Yjs's fixture from the merged update).
     */
    static void assertSameDoc(String expected, String actual) {
        assertEquals(Json.parse(expected), Json.parse(actual.strip()));
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Ydoc.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    static Path stream(String name, List<byte[]> updates) throws Exception {
        Encoder e = new Encoder();
        updates.forEach(e::writeVarUint8Array);
        return write(name, e.toUint8Array());
    }

    static List<String> files(String prefix, List<byte[]> updates) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            names.add(write(prefix + i + ".bin", updates.get(i)).toString());
        }
        return names;
    }

    @Test
    void dumpJsonOfManyFilesMatchesYjs() throws Exception {
        List<String> args = new ArrayList<>(List.of("dump", "--json"));
        args.addAll(files("u", v1));
        Result r = run(args.toArray(String[]::new));
        assertEquals(0, r.code, r.err);
        assertSameDoc(expectedJson, r.out);
    }

    @Test
    void dumpStreamV1AndV2() throws Exception {
        Result r1 = run("dump", "--stream", "--json", stream("s1.bin", v1).toString());
        assertEquals(0, r1.code, r1.err);
        assertSameDoc(expectedJson, r1.out);
        Result r2 =
                run("dump", "--v2", "--stream", "--json", stream("s2.bin", v2).toString());
        assertEquals(0, r2.code, r2.err);
        assertSameDoc(expectedJson, r2.out);
    }

    @Test
    void untypedDumpIsWhatAFreshYjsDocPrints() throws Exception {
        Result r = run(
                "dump", "--json", "--untyped", "--stream", stream("s6.bin", v1).toString());
        assertEquals(0, r.code, r.err);
        assertEquals(untypedJson, r.out.strip());
    }

    /**
     * dump merges the updates in chunks of {@link Ydoc#MERGE_CHUNK} before applying them: over
     * several chunks, two clients typing into each other's text, deleting and setting map keys, every
     * printed figure (state vector, struct count, state size, JSON content) is what applying them one
     * by one gives.
     */
    @Test
    void chunkedMergeDumpsWhatApplyingOneByOneGives() throws Exception {
        Doc a = new Doc(DocOptions.defaults().withClientId(1));
        Doc b = new Doc(DocOptions.defaults().withClientId(2));
        List<byte[]> updates = new ArrayList<>();
        a.onUpdate((u, origin, t) -> {
            updates.add(u);
            if (origin == null) {
                Y.applyUpdate(b, u, "sync");
            }
        });
        b.onUpdate((u, origin, t) -> {
            updates.add(u);
            if (origin == null) {
                Y.applyUpdate(a, u, "sync");
            }
        });
        java.util.Random random = new java.util.Random(11);
        int total = Ydoc.MERGE_CHUNK * 2 + 100;
        while (updates.size() < total) {
            Doc d = random.nextBoolean() ? a : b;
            YText text = d.getText("text");
            int len = text.length();
            int op = random.nextInt(10);
            if (op < 6 || len == 0) {
                text.insert(random.nextInt(len + 1), Character.toString('a' + random.nextInt(26)));
            } else if (op < 9) {
                int at = random.nextInt(len);
                text.delete(at, Math.min(len - at, 1 + random.nextInt(3)));
            } else {
                d.getMap("meta").set("k" + random.nextInt(5), random.nextInt(100));
            }
        }
        // each update appears twice (from its doc and echoed by the other's update event): harmless
        Doc oneByOne = new Doc();
        for (byte[] u : updates) {
            Y.applyUpdate(oneByOne, u);
        }
        Result r = run("dump", "--stream", stream("many.bin", updates).toString());
        assertEquals(0, r.code, r.err);
        assertTrue(
                r.out.contains(
                        "state vector: " + new java.util.TreeMap<>(Y.decodeStateVector(Y.encodeStateVector(oneByOne)))),
                r.out);
        long structs =
                oneByOne.store.clients.values().stream().mapToLong(List::size).sum();
        assertTrue(r.out.contains("structs: " + structs + "\n"), r.out);
        assertTrue(r.out.contains("state as update: " + Y.encodeStateAsUpdate(oneByOne).length + " bytes"), r.out);
        TopLevelTypes.inferAll(oneByOne);
        // same content; a map's key order follows the order its entries were integrated in, which merging changes
        // (as in Yjs applying a merged update)
        assertSameDoc(
                oneByOne.toJSONString(),
                r.out.lines()
                        .filter(l -> l.startsWith("json: "))
                        .findFirst()
                        .orElseThrow()
                        .substring(6));
        assertEquals(a.getText("text").toString(), b.getText("text").toString());
    }

    @Test
    void dumpWithoutJsonShowsStateVectorAndSizes() throws Exception {
        Result r = run("dump", "--stream", stream("s3.bin", v1).toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("state vector: {"), r.out);
        assertTrue(r.out.contains("structs: "), r.out);
        assertTrue(r.out.contains("pending: no"), r.out);
        assertSameDoc(
                expectedJson,
                r.out.lines()
                        .filter(l -> l.startsWith("json: "))
                        .findFirst()
                        .orElseThrow()
                        .substring(6));
    }

    @Test
    void dumpReportsPendingUpdates() throws Exception {
        // without the first update of every client, the rest waits for its dependencies
        Result r = run(
                "dump",
                "--stream",
                stream("s4.bin", v1.subList(v1.size() / 2, v1.size())).toString());
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("pending: "), r.out);
    }

    @Test
    void mergeWritesWhatUpdatesMergeUpdatesComputes() throws Exception {
        Path out = dir.resolve("merged.bin");
        Result r = run("merge", "--stream", stream("s5.bin", v1).toString(), "-o", out.toString());
        assertEquals(0, r.code, r.err);
        assertArrayEquals(Updates.mergeUpdates(v1), Files.readAllBytes(out));
        Path out2 = dir.resolve("merged2.bin");
        List<String> args = new ArrayList<>(List.of("merge", "--v2", "-o", out2.toString()));
        args.addAll(files("w", v2));
        assertEquals(0, run(args.toArray(String[]::new)).code);
        assertArrayEquals(Updates.mergeUpdatesV2(v2), Files.readAllBytes(out2));
        Result dump = run("dump", "--json", out.toString());
        assertEquals(expectedJson, dump.out.strip()); // the merged update: same key order as Yjs too
    }

    @Test
    void badInputAndUsageGiveOneLineReasons() throws Exception {
        Result missing = run("dump", dir.resolve("nope.bin").toString());
        assertEquals(1, missing.code);
        assertTrue(missing.err.startsWith("ydoc: no such file"), missing.err);
        Result garbage = run("dump", write("g.bin", new byte[] {5, 1, 2}).toString());
        assertEquals(1, garbage.code);
        assertTrue(garbage.err.startsWith("ydoc: invalid update"), garbage.err);
        assertEquals(1, garbage.err.strip().lines().count());
        Result badFrame =
                run("dump", "--stream", write("f.bin", new byte[] {50, 0}).toString());
        assertEquals(1, badFrame.code);
        assertTrue(badFrame.err.contains("bad stream framing"), badFrame.err);
        Result badMerge = run(
                "merge",
                write("g2.bin", new byte[] {1, 1}).toString(),
                write("g3.bin", new byte[] {0, 0}).toString(),
                "-o",
                dir.resolve("x.bin").toString());
        assertEquals(1, badMerge.code, badMerge.err);
        assertEquals(2, run().code);
        assertEquals(2, run("frobnicate", "x").code);
        assertEquals(2, run("dump", "--what", "x").code);
        assertEquals(2, run("merge", "x").code);
        assertEquals(2, run("dump").code);
        Result help = run("--help");
        assertEquals(0, help.code);
        assertTrue(help.out.contains("Usage: java -jar ydoc.jar"));
    }

    @Test
    void realProcessExitCodes() throws Exception {
        // the packaged jar if this runs after `package`, else the same main class from target/classes
        Path jar = Path.of("target", "ydoc.jar");
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Files.exists(jar)) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            cmd.addAll(List.of("-cp", Path.of("target", "classes").toString(), Ydoc.class.getName()));
        }
        List<String> ok = new ArrayList<>(cmd);
        ok.addAll(List.of("dump", "--json", "--stream", stream("p.bin", v1).toString()));
        Process p = new ProcessBuilder(ok).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertSameDoc(expectedJson, out);
        List<String> bad = new ArrayList<>(cmd);
        bad.addAll(List.of("dump", write("pg.bin", new byte[] {9}).toString()));
        Process q = new ProcessBuilder(bad).redirectErrorStream(true).start();
        q.getInputStream().readAllBytes();
        assertTrue(q.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, q.exitValue());
    }
}
