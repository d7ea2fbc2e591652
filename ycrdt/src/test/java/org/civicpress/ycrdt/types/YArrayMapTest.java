package org.civicpress.ycrdt.types;

import static org.civicpress.ycrdt.types.TypesTestSupport.attrs;
import static org.civicpress.ycrdt.types.TypesTestSupport.doc;
import static org.civicpress.ycrdt.types.TypesTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.YEvent;
import org.junit.jupiter.api.Test;

/** YArray and YMap local editing; expected values were produced by Yjs 13.6.33. */
class YArrayMapTest {

    @Test
    void arrayEditsMatchYjsBytesAndJson() {
        Doc d = doc(42);
        YArray a = d.getArray("a");
        a.insert(0, Arrays.asList(1L, 2L, "x", attrs("k", 1L), null, true, 2.5));
        a.push(List.of(new byte[] {1, 2}));
        a.delete(1, 2);
        YMap m = new YMap();
        m.set("z", 1L);
        m.set("a", List.of(1L, 2L));
        a.insert(2, List.of(m));
        a.unshift(List.of("first"));
        YArray sub = new YArray();
        sub.insert(0, List.of(1L, 2L, 3L));
        a.push(List.of(sub));
        sub.delete(1, 1);
        assertEquals(
                "[\"first\",1,{\"k\":1},{\"z\":1,\"a\":[1,2]},null,true,2.5,{\"0\":1,\"1\":2},[1,3]]",
                Json.stringify(a.toJSON()));
        assertEquals(9, a.length());
        assertSame(m, a.get(3));
        assertEquals(Undefined.INSTANCE, a.get(9));
        assertEquals(
                "010d2a0008010161017d01812a0002882a02017601016b7d01882a03037e787c40200000832a06020102c72a032a04012800"
                        + "2a08017a017d0128002a0801610175027d017d02482a000177056669727374872a070008002a0c017d01812a0d01882a0e017d0301"
                        + "2a0201020e01",
                hex(Y.encodeStateAsUpdate(d)));
    }

    @Test
    void mapEditsMatchYjsBytesAndKeyOrder() {
        Doc d = doc(42);
        YMap m = d.getMap("m");
        m.set("b", 1L);
        m.set("10", 2L);
        m.set("2", 3L);
        m.set("a", "x");
        m.set("b", 4L);
        m.delete("a");
        YText t = new YText("nested");
        m.set("t", t);
        t.insert(0, ">");
        assertEquals("{\"2\":3,\"10\":2,\"b\":4,\"t\":\">nested\"}", Json.stringify(m.toJSON()));
        assertEquals(List.of("2", "10", "b", "t"), new ArrayList<>(m.toJSON().keySet()));
        assertEquals("{\"m\":{\"2\":3,\"10\":2,\"b\":4,\"t\":\">nested\"}}", d.toJSONString());
        assertEquals(
                "01082a002101016d0162012801016d023130017d022801016d0132017d032101016d016101a82a00017d042701016d0174"
                        + "0204002a05066e6573746564442a06013e012a0200010301",
                hex(Y.encodeStateAsUpdate(d)));
        assertEquals(4, m.size());
        assertTrue(m.has("t"));
        assertEquals(Undefined.INSTANCE, m.get("a"));
    }

    @Test
    void arrayAndMapEventsMatchYjs() {
        Doc d = doc(42);
        YArray a = d.getArray("a");
        List<String> arrayEvents = new ArrayList<>();
        a.observe((e, tr) -> arrayEvents.add(Json.stringify(e.delta())));
        a.insert(0, List.of(1L, 2L, 3L));
        d.transact(tr -> {
            a.delete(0, 1);
            a.insert(1, List.of("q"));
        });
        assertEquals(
                List.of("[{\"insert\":[1,2,3]}]", "[{\"delete\":1},{\"retain\":1},{\"insert\":[\"q\"]}]"), arrayEvents);

        YMap m = d.getMap("m");
        List<String> mapEvents = new ArrayList<>();
        m.observe((e, tr) -> {
            Map<String, Object> o = new LinkedHashMap<>();
            e.keys().forEach((k, v) -> o.put(k, attrs("action", v.action(), "oldValue", v.oldValue())));
            mapEvents.add(Json.stringify(o));
        });
        m.set("x", 1L);
        d.transact(tr -> {
            m.set("x", 2L);
            m.set("y", 3L);
        });
        m.delete("x");
        assertEquals(
                List.of(
                        "{\"x\":{\"action\":\"add\"}}",
                        "{\"x\":{\"action\":\"update\",\"oldValue\":1},\"y\":{\"action\":\"add\"}}",
                        "{\"x\":{\"action\":\"delete\",\"oldValue\":2}}"),
                mapEvents);
    }

    @Test
    void deepObserversSeeNestedEventsWithPaths() {
        Doc d = doc(4);
        YMap root = d.getMap("root");
        YArray list = new YArray();
        root.set("list", list);
        List<List<Object>> paths = new ArrayList<>();
        root.observeDeep((events, tr) -> {
            for (YEvent e : events) {
                paths.add(e.path());
            }
        });
        list.push(List.of("a"));
        YText text = new YText();
        list.push(List.of(text));
        text.insert(0, "hi");
        assertEquals(List.of(List.of("list"), List.of("list"), List.of("list", 1)), paths);
    }

    @Test
    void twoDocsConvergeOnArraysAndMaps() {
        Doc d1 = doc(1);
        Doc d2 = doc(2);
        d1.getArray("a").push(List.of(1L, 2L));
        d2.getArray("a").push(List.of(3L));
        d1.getMap("m").set("k", "one");
        d2.getMap("m").set("k", "two");
        Y.applyUpdate(d1, Y.encodeStateAsUpdate(d2));
        Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1));
        assertEquals(d1.toJSONString(), d2.toJSONString());
        // higher client id wins a concurrent map write, lower client id's array items come first
        assertEquals("{\"a\":[1,2,3],\"m\":{\"k\":\"two\"}}", d1.toJSONString());
    }

    @Test
    void badInputThrowsBeforeChangingAnything() {
        Doc d = doc(6);
        YArray a = d.getArray("a");
        a.push(List.of(1L));
        byte[] before = Y.encodeStateAsUpdate(d);
        assertThrows(IllegalArgumentException.class, () -> a.push(List.of(2L, new Object())));
        assertThrows(IndexOutOfBoundsException.class, () -> a.insert(2, List.of(1L)));
        assertThrows(IndexOutOfBoundsException.class, () -> a.delete(0, 2));
        assertThrows(IllegalArgumentException.class, () -> d.getMap("m").set("k", new Object()));
        assertThrows(IllegalArgumentException.class, () -> d.getMap("m").set("k", List.of(Map.of("x", new Object()))));
        List<Object> deep = new ArrayList<>();
        List<Object> cur = deep;
        for (int i = 0; i < 5000; i++) {
            List<Object> next = new ArrayList<>();
            cur.add(next);
            cur = next;
        }
        assertThrows(IllegalArgumentException.class, () -> a.push(List.of(deep)));
        YText t = d.getText("t");
        assertThrows(IllegalArgumentException.class, () -> t.insert(0, "x", attrs("bold", new Object())));
        assertThrows(IllegalArgumentException.class, () -> t.insertEmbed(0, Map.of("deep", deep)));
        assertEquals(hex(before), hex(Y.encodeStateAsUpdate(d)));
    }

    @Test
    void manyRandomListEditsKeepMarkersConsistent() {
        Doc d = doc(8);
        YArray a = d.getArray("a");
        List<Object> model = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 5000; i++) {
            int op = rnd.nextInt(3);
            if (op < 2 || model.isEmpty()) {
                int pos = rnd.nextInt(model.size() + 1);
                long v = i;
                a.insert(pos, List.of(v));
                model.add(pos, v);
            } else {
                int pos = rnd.nextInt(model.size());
                int len = 1 + rnd.nextInt(Math.min(3, model.size() - pos));
                a.delete(pos, len);
                model.subList(pos, pos + len).clear();
            }
            if (i % 97 == 0) {
                int idx = model.isEmpty() ? 0 : rnd.nextInt(model.size());
                if (!model.isEmpty()) {
                    assertEquals(model.get(idx), a.get(idx));
                }
            }
        }
        assertEquals(model, a.toArray());
    }
}
