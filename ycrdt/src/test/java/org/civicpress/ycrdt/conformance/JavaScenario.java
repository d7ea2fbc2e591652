package org.civicpress.ycrdt.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
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
 * Java replicas editing concurrently through the Java API (the mirror of js/conformance/ops.mjs), syncing
 * with each other out of order. Yields every update made (v1 and v2) and a delivery order for receivers.
 */
record JavaScenario(
        long seed, boolean gc, List<byte[]> updatesV1, List<byte[]> updatesV2, List<Integer> order, Doc fullReplica) {
    private static final String REMOTE = "remote";
    private static final String[] TEXT_CHUNKS = {
        "a", "b", "xy", "hello ", "\n", "é", "€uro", "中文", "😀", "a😀b", "\"q\"\\", "tab\t"
    };
    private static final String[] MAP_KEYS = {"a", "b", "c", "key", "ünï", "", "x y", "10", "2", "😀k"};
    private static final String[] XML_NAMES = {"p", "h1", "li", "span"};
    private static final String[] XML_ATTRS = {"class", "id", "data-x", "title"};

    private static final class Replica {
        final Doc doc;
        final Set<Integer> seen = new HashSet<>();

        Replica(Doc doc) {
            this.doc = doc;
        }
    }

    static JavaScenario run(long seed) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 7);
        boolean big = seed % 10 == 9;
        boolean gc = r.nextInt(4) != 0;
        int n = 2 + r.nextInt(3);
        List<byte[]> v1 = new ArrayList<>();
        List<byte[]> v2 = new ArrayList<>();
        List<Replica> replicas = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        Ctx ctx = new Ctx(seed);
        while (replicas.size() < n) {
            long id = r.nextInt(5) == 0
                    ? ((long) r.nextInt(1 << 21) << 32) | (r.nextLong() & 0xFFFFFFFFL)
                    : r.nextLong() & 0xFFFFFFFFL;
            if (!ids.add(id)) {
                continue;
            }
            Replica rep = new Replica(Engine.newDoc(id, gc));
            rep.doc.onUpdate((u, origin, tr) -> {
                if (!REMOTE.equals(origin)) {
                    v1.add(u);
                }
            });
            rep.doc.onUpdateV2((u, origin, tr) -> {
                if (!REMOTE.equals(origin)) {
                    rep.seen.add(v2.size());
                    v2.add(u);
                }
            });
            replicas.add(rep);
        }
        int steps = seed % 50 == 49 ? 250 + r.nextInt(150) : big ? 60 + r.nextInt(61) : 4 + r.nextInt(22);
        for (int s = 0; s < steps; s++) {
            Replica rep = replicas.get(r.nextInt(replicas.size()));
            if (r.nextInt(10) < 3 && !v1.isEmpty()) {
                List<Integer> unseen = new ArrayList<>();
                for (int i = 0; i < v1.size(); i++) {
                    if (!rep.seen.contains(i) && r.nextInt(10) < 6) {
                        unseen.add(i);
                    }
                }
                shuffle(r, unseen);
                for (int i : unseen) {
                    rep.seen.add(i);
                    Y.applyUpdate(rep.doc, v1.get(i), REMOTE);
                }
            }
            int edits = 1 + r.nextInt(3);
            rep.doc.transact(tr -> {
                for (int e = 0; e < edits; e++) {
                    randomEdit(r, rep.doc, ctx);
                }
            });
        }
        if (v1.size() != v2.size()) {
            throw new AssertionError(
                    "onUpdate and onUpdateV2 fired a different number of times: " + v1.size() + " vs " + v2.size());
        }
        Replica full = replicas.get(0);
        for (int i = 0; i < v1.size(); i++) {
            if (full.seen.add(i)) {
                Y.applyUpdate(full.doc, v1.get(i), REMOTE);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < v1.size(); i++) {
            order.add(i);
        }
        if (r.nextInt(10) < 3) {
            shuffle(r, order);
        } else {
            for (int s = 0; s < order.size(); s++) {
                int i = r.nextInt(order.size());
                int j = Math.min(order.size() - 1, i + r.nextInt(4));
                Integer t = order.get(i);
                order.set(i, order.get(j));
                order.set(j, t);
            }
        }
        int dups = r.nextInt(Math.max(1, v1.size() / 4) + 1);
        for (int d = 0; d < dups && !v1.isEmpty(); d++) {
            order.add(r.nextInt(order.size() + 1), r.nextInt(v1.size()));
        }
        return new JavaScenario(seed, gc, v1, v2, order, full.doc);
    }

    private static final class Ctx {
        final long seed;
        int subdocs;

        Ctx(long seed) {
            this.seed = seed;
        }
    }

    private static <T> void shuffle(SplittableRandom r, List<T> l) {
        for (int i = l.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            T t = l.get(i);
            l.set(i, l.get(j));
            l.set(j, t);
        }
    }

    private static <T> T pick(SplittableRandom r, T[] a) {
        return a[r.nextInt(a.length)];
    }

    private static Map<String, Object> attrs(SplittableRandom r) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (r.nextInt(8)) {
            case 0 -> m.put("bold", true);
            case 1 -> m.put("italic", true);
            case 2 -> m.put("bold", null);
            case 3 -> m.put("color", r.nextBoolean() ? "#f00" : "blue");
            case 4 -> m.put("link", new LinkedHashMap<>(Map.of("href", "https://x.y/z")));
            case 5 -> {
                m.put("bold", true);
                m.put("italic", true);
            }
            case 6 -> m.put("size", 12L);
            default -> m.put("color", null);
        }
        return m;
    }

    static Object randomAny(SplittableRandom r, int depth) {
        switch (r.nextInt(depth > 1 ? 9 : 11)) {
            case 0:
                return (long) r.nextInt(100);
            case 1:
                return (long) -(1 + r.nextInt(100000));
            case 2:
                return new long[] {
                            2147483647L, 2147483648L, -2147483649L, 4294967296L, 9007199254740991L, -9007199254740991L
                        }
                        [r.nextInt(6)];
            case 3:
                return new double[] {0.5, -3.25, 1.1, 1e-7, 1e21, 123456.789, 0.1}[r.nextInt(7)];
            case 4:
                if (r.nextInt(10) == 0) {
                    return "long " + "abcdefghij😀".repeat(11 + r.nextInt(30));
                }
                return new String[] {"", "str", "émoji 😀", "line\nbreak", "quote \" and \\ slash", "\u0001ctl", "中"}
                        [r.nextInt(7)];
            case 5:
                return r.nextBoolean();
            case 6:
                return null;
            case 7: {
                if (r.nextInt(10) == 0) {
                    byte[] big = new byte[128 + r.nextInt(170)];
                    for (int i = 0; i < big.length; i++) {
                        big[i] = (byte) (i * 7 + 3);
                    }
                    return big;
                }
                return new byte[] {(byte) r.nextInt(256), 0, (byte) 255};
            }
            case 8:
                return pick(r, new String[] {"k", "v", "w"});
            case 9: {
                Map<String, Object> o = new LinkedHashMap<>();
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    o.put(pick(r, MAP_KEYS), r.nextInt(10) == 0 ? Undefined.INSTANCE : randomAny(r, depth + 1));
                }
                return o;
            }
            default: {
                List<Object> a = new ArrayList<>();
                int n = r.nextInt(20) == 0 ? 128 + r.nextInt(70) : r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.add(randomAny(r, depth + 1));
                }
                return a;
            }
        }
    }

    private static Object randomContent(SplittableRandom r, Ctx ctx) {
        switch (r.nextInt(10)) {
            case 0:
                return r.nextBoolean() ? new YText() : new YText(pick(r, TEXT_CHUNKS) + "nested");
            case 1: {
                Map<String, Object> m = new LinkedHashMap<>();
                if (r.nextBoolean()) {
                    m.put("p", (long) r.nextInt(9));
                    m.put("q", "v");
                }
                return new YMap(m);
            }
            case 2:
                return r.nextBoolean()
                        ? new YArray()
                        : YArray.from(List.of(1L, "two", new LinkedHashMap<>(Map.of("three", 3L))));
            case 3:
                return new byte[] {1, 2, (byte) r.nextInt(256)};
            case 4:
                if (ctx.seed % 5 == 0) {
                    return new Doc(DocOptions.defaults()
                            .withGuid("jsub-" + ctx.seed + "-" + ctx.subdocs++)
                            .withShouldLoad(false));
                }
                return randomAny(r, 0);
            default:
                return randomAny(r, 0);
        }
    }

    static List<AbstractType> collectTypes(Doc doc) {
        List<AbstractType> out = new ArrayList<>();
        walk(doc.getText("text"), out);
        walk(doc.getArray("array"), out);
        walk(doc.getMap("map"), out);
        walk(doc.getXmlFragment("xml"), out);
        return out;
    }

    private static void walk(AbstractType t, List<AbstractType> out) {
        out.add(t);
        List<Object> children = t instanceof YArray a
                ? a.toArray()
                : t instanceof YXmlFragment f ? f.toArray() : t instanceof YMap m ? m.values() : List.of();
        for (Object c : children) {
            if (c instanceof AbstractType ct) {
                walk(ct, out);
            }
        }
    }

    private static void textOp(SplittableRandom r, YText t) {
        int len = t.length();
        int pos = r.nextInt(len + 1);
        switch (r.nextInt(8)) {
            case 0, 1, 2 -> t.insert(pos, pick(r, TEXT_CHUNKS));
            case 3 -> t.insert(pos, pick(r, TEXT_CHUNKS), attrs(r));
            case 4, 5 -> {
                if (len > 0) {
                    int start = Math.min(pos, len - 1);
                    t.delete(start, 1 + r.nextInt(Math.min(5, len - start)));
                }
            }
            case 6 -> {
                if (len > 0) {
                    t.format(Math.min(pos, len - 1), 1 + r.nextInt(6), attrs(r));
                }
            }
            default -> {
                Map<String, Object> embed = new LinkedHashMap<>();
                embed.put(r.nextBoolean() ? "image" : "formula", "x.png");
                t.insertEmbed(pos, embed, r.nextInt(3) == 0 ? attrs(r) : null);
            }
        }
    }

    private static void arrayOp(SplittableRandom r, YArray a, Ctx ctx) {
        int len = a.length();
        if (r.nextInt(6) <= 2 || len == 0) {
            int n = 1 + r.nextInt(3);
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add(randomContent(r, ctx));
            }
            switch (r.nextInt(4)) {
                case 0 -> a.push(items);
                case 1 -> a.unshift(items);
                default -> a.insert(r.nextInt(len + 1), items);
            }
        } else {
            int pos = r.nextInt(len);
            a.delete(pos, 1 + r.nextInt(Math.min(3, len - pos)));
        }
    }

    private static void mapOp(SplittableRandom r, YMap m, Ctx ctx) {
        String key = pick(r, MAP_KEYS);
        switch (r.nextInt(6)) {
            case 0 -> {
                List<String> keys = m.keys();
                if (!keys.isEmpty()) {
                    m.delete(keys.get(r.nextInt(keys.size())));
                }
            }
            case 1 -> m.delete(key);
            case 2 -> m.set(key, r.nextBoolean() ? Undefined.INSTANCE : null);
            default -> m.set(key, randomContent(r, ctx));
        }
    }

    private static AbstractType newXmlNode(SplittableRandom r) {
        if (r.nextInt(10) < 4) {
            return r.nextBoolean() ? new YXmlText() : new YXmlText(pick(r, TEXT_CHUNKS));
        }
        YXmlElement e = new YXmlElement(pick(r, XML_NAMES));
        if (r.nextBoolean()) {
            e.setAttribute(pick(r, XML_ATTRS), pick(r, new String[] {"a", "b c", "1"}));
        }
        if (r.nextInt(10) < 3) {
            e.insert(0, List.of(new YXmlText("inner")));
        }
        return e;
    }

    private static void xmlOp(SplittableRandom r, YXmlFragment x) {
        int len = x.length();
        int k = r.nextInt(6);
        if (x instanceof YXmlElement el && k <= 1) {
            if (k == 0) {
                el.setAttribute(pick(r, XML_ATTRS), pick(r, new String[] {"a", "b c", "1", "<&>"}));
            } else {
                el.removeAttribute(pick(r, XML_ATTRS));
            }
        } else if (k <= 3 || len == 0) {
            List<Object> nodes = new ArrayList<>();
            int n = 1 + r.nextInt(2);
            for (int i = 0; i < n; i++) {
                nodes.add(newXmlNode(r));
            }
            x.insert(r.nextInt(len + 1), nodes);
        } else {
            int pos = r.nextInt(len);
            x.delete(pos, 1 + r.nextInt(Math.min(2, len - pos)));
        }
    }

    static void randomEdit(SplittableRandom r, Doc doc, Ctx ctx) {
        List<AbstractType> types = collectTypes(doc);
        AbstractType t =
                r.nextBoolean() ? types.get(r.nextInt(Math.min(4, types.size()))) : types.get(r.nextInt(types.size()));
        if (t instanceof YText text) {
            textOp(r, text);
        } else if (t instanceof YXmlFragment x) {
            xmlOp(r, x);
        } else if (t instanceof YArray a) {
            arrayOp(r, a, ctx);
        } else if (t instanceof YMap m) {
            mapOp(r, m, ctx);
        }
    }

    @Override
    public String toString() {
        return "JavaScenario[seed=" + seed + ", updates=" + updatesV1.size() + ", order="
                + Arrays.toString(order.toArray()) + "]";
    }
}
