package org.civicpress.ycrdt.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.civicpress.ycrdt.utils.YEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays random local edits (with syncs between 2-3 docs) recorded from Yjs 13.6.33 by
 * gen-type-fixtures.cjs and expects the same update bytes, deltas, events and JSON.
 */
@SuppressWarnings("unchecked")
class TypeFixturesTest {
    private static Map<String, Object> fixtures;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = TypeFixturesTest.class.getResourceAsStream("type-fixtures.json.gz")) {
            assertNotNull(in, "type-fixtures.json.gz missing from test resources");
            fixtures = (Map<String, Object>)
                    Json.parse(new String(new GZIPInputStream(in).readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static int i(List<Object> op, int k) {
        return ((Number) op.get(k)).intValue();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** JSON.stringify calls toJSON() on shared types; mirror that before stringifying. */
    private static Object toJsonValue(Object v) {
        if (v instanceof AbstractType t) {
            return t.toJSON();
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            l.forEach(o -> r.add(toJsonValue(o)));
            return r;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> r = new LinkedHashMap<>();
            m.forEach((k, x) -> r.put(k, toJsonValue(x)));
            return r;
        }
        return v;
    }

    @Test
    void textArrayAndMapEditsMatchYjs() {
        List<Object> cases = (List<Object>) fixtures.get("text");
        for (int ci = 0; ci < cases.size(); ci++) {
            Map<String, Object> c = (Map<String, Object>) cases.get(ci);
            Doc[] docs = new Doc[3];
            List<String> events = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                docs[n] = TypesTestSupport.doc(n + 1);
                int di = n;
                docs[n].getText("t").observe((e, tr) -> events.add(di + "t" + Json.stringify(toJsonValue(e.delta()))));
                docs[n].getArray("a").observe((e, tr) -> events.add(di + "a" + Json.stringify(toJsonValue(e.delta()))));
                docs[n].getMap("m").observe((e, tr) -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    e.keys()
                            .forEach((k, v) ->
                                    o.put(k, TypesTestSupport.attrs("action", v.action(), "oldValue", v.oldValue())));
                    events.add(di + "m" + Json.stringify(o));
                });
            }
            for (Object o : (List<Object>) c.get("ops")) {
                List<Object> op = (List<Object>) o;
                Doc d = docs[i(op, 1)];
                YText t = d.getText("t");
                switch ((String) op.get(0)) {
                    case "ins" -> t.insert(i(op, 2), (String) op.get(3), (Map<String, Object>) op.get(4));
                    case "del" -> t.delete(i(op, 2), i(op, 3));
                    case "fmt" -> t.format(i(op, 2), i(op, 3), (Map<String, Object>) op.get(4));
                    case "emb" -> t.insertEmbed(i(op, 2), op.get(3));
                    case "ains" -> d.getArray("a").insert(i(op, 2), Collections.singletonList(op.get(3)));
                    case "adel" -> d.getArray("a").delete(i(op, 2), 1);
                    case "mset" -> d.getMap("m").set((String) op.get(2), op.get(3));
                    case "mdel" -> d.getMap("m").delete((String) op.get(2));
                    case "sync" -> Y.applyUpdate(docs[i(op, 2)], Y.encodeStateAsUpdate(d));
                    default -> throw new IllegalStateException("unknown op " + op);
                }
            }
            for (Doc x : docs) {
                for (Doc y : docs) {
                    if (x != y) {
                        Y.applyUpdate(y, Y.encodeStateAsUpdate(x));
                    }
                }
            }
            String where = "case " + ci + " ops " + Json.stringify(c.get("ops"));
            assertEquals(c.get("evs"), events, "events, " + where);
            for (int n = 0; n < 3; n++) {
                assertEquals(
                        ((List<Object>) c.get("deltas")).get(n),
                        Json.stringify(docs[n].getText("t").toDelta()),
                        "delta, " + where);
                assertEquals(((List<Object>) c.get("json")).get(n), docs[n].toJSONString(), "json, " + where);
                assertEquals(
                        ((List<Object>) c.get("states")).get(n),
                        hex(Y.encodeStateAsUpdate(docs[n])),
                        "state, " + where);
            }
        }
    }

    private static AbstractType nodeAt(YXmlFragment f, List<Object> path) {
        AbstractType n = f;
        for (Object idx : path) {
            n = (AbstractType) ((YXmlFragment) n).get(((Number) idx).intValue());
        }
        return n;
    }

    @Test
    void xmlEditsMatchYjs() {
        List<Object> cases = (List<Object>) fixtures.get("xml");
        for (int ci = 0; ci < cases.size(); ci++) {
            Map<String, Object> c = (Map<String, Object>) cases.get(ci);
            Doc[] docs = new Doc[2];
            List<String> events = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                docs[n] = TypesTestSupport.doc(n + 1);
                int di = n;
                docs[n].getXmlFragment("x").observeDeep((es, tr) -> {
                    for (YEvent e : es) {
                        List<String> changed =
                                e instanceof YXmlEvent xe ? new ArrayList<>(xe.attributesChanged) : new ArrayList<>();
                        Collections.sort(changed);
                        events.add(di
                                + Json.stringify(e.path())
                                + Json.stringify(toJsonValue(e.delta()))
                                + Json.stringify(changed));
                    }
                });
            }
            for (Object o : (List<Object>) c.get("ops")) {
                List<Object> op = (List<Object>) o;
                int di = i(op, 1);
                YXmlFragment f = docs[di].getXmlFragment("x");
                switch ((String) op.get(0)) {
                    case "insNode" -> {
                        int k = i(op, 4);
                        AbstractType node = k == 0
                                ? new YXmlElement((String) op.get(5))
                                : k == 1 ? new YXmlText((String) op.get(5)) : new YXmlHook("h");
                        ((YXmlFragment) nodeAt(f, (List<Object>) op.get(2))).insert(i(op, 3), List.of(node));
                    }
                    case "delNode" -> ((YXmlFragment) nodeAt(f, (List<Object>) op.get(2))).delete(i(op, 3), 1);
                    case "attr" -> {
                        YXmlElement el = (YXmlElement) nodeAt(f, (List<Object>) op.get(2));
                        if (op.get(4) == null) {
                            el.removeAttribute((String) op.get(3));
                        } else {
                            el.setAttribute((String) op.get(3), op.get(4));
                        }
                    }
                    case "fmt" -> ((YXmlText) ((YXmlFragment) nodeAt(f, (List<Object>) op.get(2))).get(i(op, 3)))
                            .format(i(op, 4), i(op, 5), (Map<String, Object>) op.get(6));
                    case "txt" -> ((YXmlText) ((YXmlFragment) nodeAt(f, (List<Object>) op.get(2))).get(i(op, 3)))
                            .insert(i(op, 4), (String) op.get(5));
                    case "sync" -> Y.applyUpdate(docs[1 - di], Y.encodeStateAsUpdate(docs[di]));
                    case "nop" -> {}
                    default -> throw new IllegalStateException("unknown op " + op);
                }
            }
            Y.applyUpdate(docs[1], Y.encodeStateAsUpdate(docs[0]));
            Y.applyUpdate(docs[0], Y.encodeStateAsUpdate(docs[1]));
            String where = "case " + ci + " ops " + Json.stringify(c.get("ops"));
            assertEquals(c.get("evs"), events, "events, " + where);
            for (int n = 0; n < 2; n++) {
                assertEquals(
                        ((List<Object>) c.get("strs")).get(n),
                        docs[n].getXmlFragment("x").toString(),
                        "xml, " + where);
                assertEquals(
                        ((List<Object>) c.get("states")).get(n),
                        hex(Y.encodeStateAsUpdate(docs[n])),
                        "state, " + where);
            }
        }
    }

    @Test
    void nestedTypesDeltasAndGcModesMatchYjs() {
        List<Object> cases = (List<Object>) fixtures.get("nested");
        for (int ci = 0; ci < cases.size(); ci++) {
            Map<String, Object> c = (Map<String, Object>) cases.get(ci);
            boolean gc = (Boolean) c.get("gc");
            Doc[] docs = new Doc[2];
            List<String> events = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                docs[n] = new Doc(DocOptions.defaults().withClientId(n + 1).withGc(gc));
                int di = n;
                docs[n].getMap("m").observeDeep((es, tr) -> {
                    for (YEvent e : es) {
                        List<Object> keys = new ArrayList<>();
                        e.keys()
                                .forEach((k, v) -> keys.add(List.of(
                                        k, TypesTestSupport.attrs("action", v.action(), "oldValue", v.oldValue()))));
                        events.add(di
                                + Json.stringify(e.path())
                                + Json.stringify(toJsonValue(e.delta()))
                                + Json.stringify(toJsonValue(keys)));
                    }
                });
                docs[n].getText("t").observeDeep((es, tr) -> {
                    for (YEvent e : es) {
                        events.add(di + "T" + Json.stringify(e.path()) + Json.stringify(toJsonValue(e.delta())));
                    }
                });
            }
            for (Object o : (List<Object>) c.get("ops")) {
                List<Object> op = (List<Object>) o;
                int di = i(op, 1);
                YMap m = docs[di].getMap("m");
                YText t = docs[di].getText("t");
                switch ((String) op.get(0)) {
                    case "newType" -> {
                        String k = (String) op.get(2);
                        m.set(k, k.equals("arr") ? new YArray() : k.equals("txt") ? new YText("init") : new YMap());
                    }
                    case "arrIns" -> ((YArray) m.get("arr")).insert(i(op, 2), Collections.singletonList(op.get(3)));
                    case "arrDel" -> ((YArray) m.get("arr")).delete(i(op, 2), i(op, 3));
                    case "txtIns" -> ((YText) m.get("txt")).insert(i(op, 2), (String) op.get(3));
                    case "txtDel" -> ((YText) m.get("txt")).delete(i(op, 2), i(op, 3));
                    case "mapSet" -> ((YMap) m.get("map")).set((String) op.get(2), op.get(3));
                    case "delta" -> t.applyDelta((List<Map<String, Object>>) op.get(2));
                    case "embType" -> t.insertEmbed(i(op, 2), new YText("sub"), TypesTestSupport.attrs("k", 1L));
                    case "tDel" -> t.delete(i(op, 2), i(op, 3));
                    case "sync" -> Y.applyUpdate(docs[1 - di], Y.encodeStateAsUpdate(docs[di]));
                    case "nop" -> {}
                    default -> throw new IllegalStateException("unknown op " + op);
                }
            }
            Y.applyUpdate(docs[1], Y.encodeStateAsUpdate(docs[0]));
            Y.applyUpdate(docs[0], Y.encodeStateAsUpdate(docs[1]));
            String where = "case " + ci + " gc " + gc + " ops " + Json.stringify(c.get("ops"));
            assertEquals(c.get("evs"), events, "events, " + where);
            for (int n = 0; n < 2; n++) {
                assertEquals(
                        ((List<Object>) c.get("deltas")).get(n),
                        Json.stringify(toJsonValue(docs[n].getText("t").toDelta())),
                        "delta, " + where);
                assertEquals(((List<Object>) c.get("json")).get(n), docs[n].toJSONString(), "json, " + where);
                assertEquals(
                        ((List<Object>) c.get("states")).get(n),
                        hex(Y.encodeStateAsUpdate(docs[n])),
                        "state, " + where);
            }
        }
    }
}
