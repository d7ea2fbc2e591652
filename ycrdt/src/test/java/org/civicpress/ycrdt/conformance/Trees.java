package org.civicpress.ycrdt.conformance;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.utils.Doc;

/**
 * Java values of toJSON()/toDelta() turned into the comparable tree that js/conformance/lib.mjs norm()
 * builds on the Yjs side (markers for undefined, binary, bigint, subdocuments, types), and a deep
 * comparison that reports the first differences with their path.
 */
public final class Trees {
    private Trees() {}

    public static Object norm(Object v) {
        if (v == null) {
            return null;
        }
        if (v == Undefined.INSTANCE) {
            return Map.of("$undefined", true);
        }
        if (v instanceof byte[] b) {
            return Map.of("$bin", Base64.getEncoder().encodeToString(b));
        }
        if (v instanceof BigInteger bi) {
            return Map.of("$bigint", bi.toString());
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof AbstractType t) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("$type", norm(t.toJSON()));
            return m;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> m = new LinkedHashMap<>();
            map.forEach((k, x) -> m.put(String.valueOf(k), norm(x)));
            return m;
        }
        if (v instanceof List<?> list) {
            List<Object> l = new ArrayList<>(list.size());
            list.forEach(x -> l.add(norm(x)));
            return l;
        }
        if (v instanceof Object[] arr) {
            return norm(List.of(arr));
        }
        if (v instanceof Doc subdoc) { // as JSON.stringify shows a Y.Doc: its own toJSON() ({} when not loaded)
            return norm(subdoc.toJSON());
        }
        throw new IllegalArgumentException(
                "unexpected value in toJSON()/toDelta(): " + v.getClass().getName() + " " + v);
    }

    /** Differences between an expected and an actual tree (at most a handful), empty when equal. */
    public static List<String> diff(Object expected, Object actual) {
        List<String> out = new ArrayList<>();
        diff(expected, actual, "$", out);
        return out;
    }

    private static void diff(Object a, Object b, String path, List<String> out) {
        if (out.size() > 5) {
            return;
        }
        if (a == null || b == null) {
            if (a != b) {
                out.add(path + ": expected " + show(a) + " but was " + show(b));
            }
            return;
        }
        if (a instanceof Double x && b instanceof Double y) {
            if (x.doubleValue() != y.doubleValue() && !(x.isNaN() && y.isNaN())) {
                out.add(path + ": expected " + x + " but was " + y);
            }
            return;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            TreeSet<String> ka = keys(ma);
            TreeSet<String> kb = keys(mb);
            if (!ka.equals(kb)) {
                out.add(path + ": expected keys " + ka + " but was " + kb);
            }
            for (String k : ka) {
                if (mb.containsKey(k)) {
                    diff(ma.get(k), mb.get(k), path + "." + k, out);
                }
            }
            return;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                out.add(path + ": expected " + la.size() + " elements but was " + lb.size() + ": expected " + show(la)
                        + " but was " + show(lb));
            }
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                diff(la.get(i), lb.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (!a.equals(b)) {
            out.add(path + ": expected " + show(a) + " but was " + show(b));
        }
    }

    private static TreeSet<String> keys(Map<?, ?> m) {
        TreeSet<String> s = new TreeSet<>();
        m.keySet().forEach(k -> s.add(String.valueOf(k)));
        return s;
    }

    static String show(Object v) {
        String s = v instanceof Map || v instanceof List
                ? MiniJson.write(v)
                : v instanceof String str ? MiniJson.write(str) : String.valueOf(v);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
