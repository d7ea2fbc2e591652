package org.civicpress.ycrdt.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.types.YArray;
import org.civicpress.ycrdt.types.YMap;
import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.types.YXmlElement;
import org.civicpress.ycrdt.types.YXmlFragment;
import org.civicpress.ycrdt.types.YXmlText;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;

/**
 * Replays a Yjs scenario's edit log (js/conformance/ops.mjs descriptors) through the Java API on Java
 * replicas with the same client ids, syncing with Yjs's own updates: every transaction must produce the
 * very update bytes Yjs produced (v1 and v2), and every replica must end as its Yjs twin.
 */
final class Lockstep {
    private static final String REMOTE = "remote";

    private Lockstep() {}

    @SuppressWarnings("unchecked")
    static void run(Scenario sc, Checks c) {
        List<Doc> docs = new ArrayList<>();
        List<List<byte[][]>> made =
                new ArrayList<>(); // per replica: local-origin updates [v1, v2] of the current event
        for (long client : sc.clients()) {
            Doc doc = Engine.newDoc(client, sc.gc());
            List<byte[][]> mine = new ArrayList<>();
            doc.onUpdate((u, origin, tr) -> {
                if (!REMOTE.equals(origin)) {
                    mine.add(new byte[][] {u, null});
                }
            });
            doc.onUpdateV2((u, origin, tr) -> {
                if (!REMOTE.equals(origin)) {
                    if (mine.isEmpty() || mine.get(mine.size() - 1)[1] != null) {
                        mine.add(new byte[][] {null, u});
                    } else {
                        mine.get(mine.size() - 1)[1] = u;
                    }
                }
            });
            docs.add(doc);
            made.add(mine);
        }
        int compared = 0;
        for (int k = 0; k < sc.log().size(); k++) {
            Map<String, Object> ev = sc.log().get(k);
            int idx = ((Double) ev.get("replica")).intValue();
            Doc doc = docs.get(idx);
            List<byte[][]> mine = made.get(idx);
            mine.clear();
            String what;
            try {
                if (ev.containsKey("sync")) {
                    List<Object> ids = (List<Object>) ev.get("sync");
                    what = "event #" + k + ": replica " + idx + " receiving updates " + ids;
                    for (Object id : ids) {
                        Y.applyUpdate(doc, sc.updatesV1().get(((Double) id).intValue()), REMOTE);
                    }
                } else {
                    List<Map<String, Object>> ops = (List<Map<String, Object>>) ev.get("ops");
                    what = "event #" + k + ": replica " + idx + " transaction " + MiniJson.write(ops);
                    Engine.typeShares(doc); // the Yjs side typed them before choosing each edit
                    doc.transact(tr -> ops.forEach(op -> exec(doc, op)));
                }
            } catch (RuntimeException e) {
                c.fail("event #" + k + " threw " + e + " at "
                        + (e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?"));
                return;
            }
            List<Object> produced = (List<Object>) ev.get("produced");
            boolean same = produced.size() == mine.size();
            for (int j = 0; same && j < produced.size(); j++) {
                int u = ((Double) produced.get(j)).intValue();
                same = Arrays.equals(mine.get(j)[0], sc.updatesV1().get(u))
                        && Arrays.equals(mine.get(j)[1], sc.updatesV2().get(u));
            }
            if (!same) {
                StringBuilder b = new StringBuilder(what + ": local updates differ from Yjs's");
                for (Object id : produced) {
                    int u = ((Double) id).intValue();
                    b.append("\n      Yjs  v1 ")
                            .append(Scenario.b64(sc.updatesV1().get(u)))
                            .append("  v2 ")
                            .append(Scenario.b64(sc.updatesV2().get(u)));
                }
                for (byte[][] m : mine) {
                    b.append("\n      Java v1 ")
                            .append(m[0] == null ? "none" : Scenario.b64(m[0]))
                            .append("  v2 ")
                            .append(m[1] == null ? "none" : Scenario.b64(m[1]));
                }
                c.fail(b.toString());
                // the replica is now out of step with its Yjs twin and everything after would cascade: stop here
                return;
            }
            compared += produced.size();
        }
        if (compared != sc.updatesV1().size()) {
            c.fail("lockstep compared " + compared + " updates but Yjs made "
                    + sc.updatesV1().size());
        }
        for (int i = 0; i < docs.size(); i++) {
            c.tree(
                    "replica " + i + " after the lockstep replay: toJSON",
                    sc.replicaViews().get(i),
                    ConformanceTest.view(docs.get(i)).get("json"));
        }
    }

    @SuppressWarnings("unchecked")
    private static void exec(Doc doc, Map<String, Object> d) {
        AbstractType t = resolve(doc, (List<Object>) d.get("path"));
        List<Object> a = (List<Object>) d.get("args");
        String op = (String) d.get("op");
        switch (op) {
            case "insert" -> {
                if (t instanceof YText text) {
                    if (a.get(2) == null) {
                        text.insert(i(a.get(0)), (String) a.get(1));
                    } else {
                        text.insert(i(a.get(0)), (String) a.get(1), attrs(a.get(2)));
                    }
                } else if (t instanceof YArray arr) {
                    arr.insert(i(a.get(0)), liveList(a.get(1)));
                } else {
                    ((YXmlFragment) t).insert(i(a.get(0)), liveList(a.get(1)));
                }
            }
            case "delete" -> {
                if (t instanceof YMap m) {
                    m.delete((String) a.get(0));
                } else if (t instanceof YText text) {
                    text.delete(i(a.get(0)), i(a.get(1)));
                } else if (t instanceof YArray arr) {
                    arr.delete(i(a.get(0)), i(a.get(1)));
                } else {
                    ((YXmlFragment) t).delete(i(a.get(0)), i(a.get(1)));
                }
            }
            case "format" -> ((YText) t).format(i(a.get(0)), i(a.get(1)), attrs(a.get(2)));
            case "insertEmbed" -> {
                if (a.get(2) == null) {
                    ((YText) t).insertEmbed(i(a.get(0)), live(a.get(1)));
                } else {
                    ((YText) t).insertEmbed(i(a.get(0)), live(a.get(1)), attrs(a.get(2)));
                }
            }
            case "applyDelta" -> {
                List<Map<String, Object>> delta = new ArrayList<>();
                for (Object o : (List<Object>) a.get(0)) {
                    delta.add((Map<String, Object>) live(o));
                }
                ((YText) t).applyDelta(delta);
            }
            case "push" -> ((YArray) t).push(liveList(a.get(0)));
            case "unshift" -> ((YArray) t).unshift(liveList(a.get(0)));
            case "set" -> ((YMap) t).set((String) a.get(0), live(a.get(1)));
            case "setAttribute" -> ((YXmlElement) t).setAttribute((String) a.get(0), live(a.get(1)));
            case "removeAttribute" -> ((YXmlElement) t).removeAttribute((String) a.get(0));
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
    }

    private static AbstractType resolve(Doc doc, List<Object> path) {
        String top = (String) path.get(0);
        Object t =
                switch (top) {
                    case "text" -> doc.getText("text");
                    case "array" -> doc.getArray("array");
                    case "map" -> doc.getMap("map");
                    default -> doc.getXmlFragment("xml");
                };
        for (Object step : path.subList(1, path.size())) {
            if (step instanceof Double n) {
                t = t instanceof YArray arr ? arr.get(n.intValue()) : ((YXmlFragment) t).get(n.intValue());
            } else {
                t = ((YMap) t).get((String) step);
            }
        }
        return (AbstractType) t;
    }

    private static int i(Object n) {
        return ((Double) n).intValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attrs(Object o) {
        return (Map<String, Object>) live(o);
    }

    private static List<Object> liveList(Object o) {
        List<Object> out = new ArrayList<>();
        for (Object x : (List<?>) o) {
            out.add(live(x));
        }
        return out;
    }

    /** Descriptor value (see js/conformance/ops.mjs) to the Java value the API takes. */
    @SuppressWarnings("unchecked")
    static Object live(Object v) {
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) <= 9007199254740991.0 ? (Object) d.longValue() : d;
        }
        if (v instanceof List<?> l) {
            return liveList(l);
        }
        if (!(v instanceof Map<?, ?>)) {
            return v;
        }
        Map<String, Object> m = (Map<String, Object>) v;
        if (m.containsKey("$bin")) {
            return Base64.getDecoder().decode((String) m.get("$bin"));
        }
        if (m.containsKey("$undefined")) {
            return Undefined.INSTANCE;
        }
        if (m.containsKey("$ytext")) {
            return new YText((String) m.get("$ytext"));
        }
        if (m.containsKey("$ymap")) {
            Map<String, Object> entries = new LinkedHashMap<>();
            for (Object e : (List<Object>) m.get("$ymap")) {
                List<Object> kv = (List<Object>) e;
                entries.put((String) kv.get(0), live(kv.get(1)));
            }
            return new YMap(entries);
        }
        if (m.containsKey("$yarray")) {
            return YArray.from(liveList(m.get("$yarray")));
        }
        if (m.containsKey("$subdoc")) {
            return new Doc(
                    DocOptions.defaults().withGuid((String) m.get("$subdoc")).withShouldLoad(false));
        }
        if (m.containsKey("$xmlel")) {
            Map<String, Object> x = (Map<String, Object>) m.get("$xmlel");
            YXmlElement e = new YXmlElement((String) x.get("name"));
            for (Object kv : (List<Object>) x.get("attrs")) {
                e.setAttribute((String) ((List<Object>) kv).get(0), live(((List<Object>) kv).get(1)));
            }
            List<Object> children = liveList(x.get("children"));
            if (!children.isEmpty()) {
                e.insert(0, children);
            }
            return e;
        }
        if (m.containsKey("$xmltext")) {
            YXmlText t = new YXmlText();
            String s = (String) m.get("$xmltext");
            if (!s.isEmpty()) {
                if (m.get("attrs") == null) {
                    t.insert(0, s);
                } else {
                    t.insert(0, s, attrs(m.get("attrs")));
                }
            }
            return t;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(k, live(x)));
        return out;
    }
}
