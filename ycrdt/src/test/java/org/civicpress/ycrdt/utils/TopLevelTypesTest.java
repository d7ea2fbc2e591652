package org.civicpress.ycrdt.utils;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.cli.Ydoc;
import org.civicpress.ycrdt.conformance.RepoPaths;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.types.YMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents written by real Yjs (js/conformance/top-level-types.mjs), applied to a fresh doc and typed by
 * {@link TopLevelTypes}: the JSON is what {@code doc.toJSON()} prints in Yjs once the types are typed as
 * their editor typed them, and the ydoc CLI prints the same.
 */
class TopLevelTypesTest {
    @TempDir
    static Path dir;

    record Case(String name, byte[] update, String typedJson, String json) {}

    static List<Case> cases = new ArrayList<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void runYjs() throws Exception {
        Path js = RepoPaths.requireNodeModules();
        Process p = new ProcessBuilder(RepoPaths.nodeBinary(), "conformance/top-level-types.mjs")
                .directory(js.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        for (String line : out.strip().split("\n")) {
            Map<String, Object> c = (Map<String, Object>) Json.parse(line);
            cases.add(new Case(
                    (String) c.get("name"),
                    Base64.getDecoder().decode((String) c.get("update")),
                    (String) c.get("typedJson"),
                    (String) c.get("json")));
        }
        assertTrue(cases.size() >= 9, "cases from node: " + cases.size());
    }

    @Test
    void typedJsonIsWhatYjsPrintsForTheTypesTheEditorUsed() {
        for (Case c : cases) {
            assertEquals(Json.parse(c.typedJson), Json.parse(TopLevelTypes.typedJson(c.update)), c.name);
            Doc untyped = new Doc();
            Y.applyUpdate(untyped, c.update);
            assertEquals(c.json, untyped.toJSONString(), c.name + ": untyped, as a fresh Yjs doc");
        }
    }

    @Test
    void anEmptiedMapPrintsAsAnEmptyObject() {
        Case c = cases.stream()
                .filter(k -> k.name.equals("map with every entry deleted"))
                .findFirst()
                .orElseThrow();
        assertEquals("{\"meta\":{}}", TopLevelTypes.typedJson(c.update));
        Doc doc = new Doc();
        Y.applyUpdate(doc, c.update);
        assertEquals(TopLevelTypes.Kind.MAP, TopLevelTypes.kindOf(doc.share.get("meta")));
    }

    @Test
    void theCliPrintsTheSameJson() throws Exception {
        for (Case c : cases) {
            Path file = Files.write(dir.resolve(c.name.replace(' ', '-') + ".bin"), c.update);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Ydoc.run(
                    new String[] {"dump", "--json", file.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(0, code, c.name);
            assertEquals(
                    TopLevelTypes.typedJson(c.update),
                    out.toString(StandardCharsets.UTF_8).strip(),
                    c.name);
        }
    }

    @Test
    void deletedContentKeptWithoutGcStillTellsTheKind() {
        Doc writer = new Doc();
        writer.getArray("a").push(1, 2);
        writer.getArray("a").delete(0, 2);
        writer.getText("t").insert(0, "x");
        writer.getText("t").delete(0, 1);
        // with gc on (the writer) the deleted content is gone: the kind of an emptied list is unknown, a text
        assertEquals("{\"a\":\"\",\"t\":\"\"}", TopLevelTypes.typedJson(Y.encodeStateAsUpdate(writer)));

        Doc keeping = new Doc(DocOptions.defaults().withGc(false));
        keeping.getArray("a").push(1, 2);
        keeping.getArray("a").delete(0, 2);
        keeping.getMap("m").set("k", new YMap());
        keeping.getMap("m").delete("k");
        Doc fresh = new Doc(DocOptions.defaults().withGc(false));
        Y.applyUpdate(fresh, Y.encodeStateAsUpdate(keeping));
        assertEquals(TopLevelTypes.Kind.ARRAY, TopLevelTypes.kindOf(fresh.share.get("a")));
        assertEquals(TopLevelTypes.Kind.MAP, TopLevelTypes.kindOf(fresh.share.get("m")));
        TopLevelTypes.inferAll(fresh);
        assertEquals("{\"a\":[],\"m\":{}}", fresh.toJSONString());
    }

    @Test
    void aDocWithoutItemsForATypeLeavesItUntyped() {
        Doc doc = new Doc();
        doc.get("nothing");
        assertEquals(TopLevelTypes.Kind.NONE, TopLevelTypes.kindOf(doc.share.get("nothing")));
        TopLevelTypes.inferAll(doc);
        assertEquals("{}", doc.toJSONString());
    }
}
