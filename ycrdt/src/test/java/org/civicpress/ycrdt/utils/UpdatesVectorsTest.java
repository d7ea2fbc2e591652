package org.civicpress.ycrdt.utils;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * updates.js functions against what Yjs 13.6.33 computes for the same inputs
 * (js/fixtures-gen/updates-vectors.mjs): merges of single-client, concurrent, overlapping, gapped
 * (Skip) and GC/Item-mixed inputs, diffs, state vectors, meta and V1/V2 conversion, byte for byte.
 */
class UpdatesVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws Exception {
        List<Map<String, Object>> cases = new ArrayList<>();
        try (var in = UpdatesVectorsTest.class.getResourceAsStream("updates-vectors.jsonl");
                var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                cases.add((Map<String, Object>) Json.parse(line));
            }
        }
        return cases;
    }

    static byte[] b(Map<String, Object> c, String key) {
        return HEX.parseHex((String) c.get(key));
    }

    @SuppressWarnings("unchecked")
    static List<byte[]> list(Map<String, Object> c, String key) {
        return ((List<Object>) c.get(key))
                .stream().map(o -> HEX.parseHex((String) o)).toList();
    }

    @TestFactory
    Stream<DynamicTest> matchesYjs() throws Exception {
        return cases().stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> check(c)));
    }

    @SuppressWarnings("unchecked")
    private void check(Map<String, Object> c) {
        byte[] merged = Updates.mergeUpdates(list(c, "v1"));
        assertEquals(c.get("merged"), HEX.formatHex(merged), "mergeUpdates");
        byte[] mergedV2 = Updates.mergeUpdatesV2(list(c, "v2"));
        assertEquals(c.get("mergedV2"), HEX.formatHex(mergedV2), "mergeUpdatesV2");
        assertArrayEquals(b(c, "sv"), Updates.encodeStateVectorFromUpdate(merged), "encodeStateVectorFromUpdate");
        assertArrayEquals(
                b(c, "svV2"), Updates.encodeStateVectorFromUpdateV2(mergedV2), "encodeStateVectorFromUpdateV2");
        assertEquals(c.get("toV2"), HEX.formatHex(Updates.convertUpdateFormatV1ToV2(merged)), "V1->V2");
        assertEquals(c.get("toV1"), HEX.formatHex(Updates.convertUpdateFormatV2ToV1(mergedV2)), "V2->V1");
        Updates.UpdateMeta meta = Updates.parseUpdateMeta(merged);
        assertEquals(pairs((List<Object>) c.get("metaFrom")), meta.from(), "meta.from");
        assertEquals(pairs((List<Object>) c.get("metaTo")), meta.to(), "meta.to");
        if (c.containsKey("diffSv")) {
            assertEquals(c.get("diff"), HEX.formatHex(Updates.diffUpdate(merged, b(c, "diffSv"))), "diffUpdate");
            assertEquals(
                    c.get("diffV2"), HEX.formatHex(Updates.diffUpdateV2(mergedV2, b(c, "diffSv"))), "diffUpdateV2");
        }
        // the document the merged update describes is the one Yjs sees
        Doc doc = new Doc();
        Y.applyUpdate(doc, merged);
        assertEquals(c.get("json"), doc.toJSONString(), "doc JSON");
        // and, once its top-level types are typed, it holds exactly Yjs's content
        doc.getText("t");
        doc.getMap("m");
        doc.getArray("a");
        doc.getXmlFragment("x");
        assertEquals(c.get("typedJson"), doc.toJSONString(), "typed doc JSON");
    }

    private static Map<Long, Long> pairs(List<Object> l) {
        Map<Long, Long> m = new LinkedHashMap<>();
        for (Object o : l) {
            List<Object> p = (List<Object>) o;
            m.put(((Number) p.get(0)).longValue(), ((Number) p.get(1)).longValue());
        }
        return m;
    }
}
