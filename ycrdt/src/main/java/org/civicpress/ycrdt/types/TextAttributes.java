package org.civicpress.ycrdt.types;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.structs.ContentFormat;

/** JS value comparisons used by YText's formatting logic (=== and lib0 object.equalFlat). */
final class TextAttributes {
    private TextAttributes() {}

    static void updateCurrentAttributes(Map<String, Object> currentAttributes, ContentFormat format) {
        if (format.value == null) {
            currentAttributes.remove(format.key);
        } else {
            currentAttributes.put(format.key, format.value);
        }
    }

    /** map.get(key) with JS semantics: Undefined.INSTANCE when the key is absent. */
    static Object getOrUndefined(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null && !m.containsKey(key) ? Undefined.INSTANCE : v;
    }

    /** JS `a ?? null` applied to a map lookup. */
    static Object getOrNull(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Undefined ? null : v;
    }

    /** JS strict equality (===) on Any values: primitives by value, objects by identity. */
    static boolean strictEquals(Object a, Object b) {
        if (a == b) {
            return !(a instanceof Double d && d.isNaN());
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof BigInteger || b instanceof BigInteger) {
            return a instanceof BigInteger && b instanceof BigInteger && a.equals(b);
        }
        if (a instanceof Number na && b instanceof Number nb) {
            if (isIntegral(na) && isIntegral(nb)) {
                return na.longValue() == nb.longValue();
            }
            return na.doubleValue() == nb.doubleValue();
        }
        if (a instanceof String || a instanceof Boolean) {
            return a.equals(b);
        }
        return false;
    }

    private static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    private static boolean isJsObject(Object o) {
        return o instanceof Map || o instanceof List || o instanceof byte[];
    }

    /** YText.js equalAttrs: strict equality, or flat equality of two objects. */
    static boolean equalAttrs(Object a, Object b) {
        return strictEquals(a, b) || (isJsObject(a) && isJsObject(b) && equalFlat(a, b));
    }

    @SuppressWarnings("unchecked")
    private static boolean equalFlat(Object a, Object b) {
        if (a instanceof Map && b instanceof Map) {
            Map<String, Object> ma = (Map<String, Object>) a;
            Map<String, Object> mb = (Map<String, Object>) b;
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<String, Object> e : ma.entrySet()) {
                Object val = e.getValue();
                if (val instanceof Undefined && !mb.containsKey(e.getKey())) {
                    return false;
                }
                if (!strictEquals(getOrUndefined(mb, e.getKey()), val)) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!strictEquals(lb.get(i), la.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof byte[] ba && b instanceof byte[] bb) {
            return java.util.Arrays.equals(ba, bb);
        }
        // JS: objects of different kinds compare equal only when both have no own keys
        return sizeOf(a) == 0 && sizeOf(b) == 0;
    }

    private static int sizeOf(Object o) {
        if (o instanceof Map<?, ?> m) {
            return m.size();
        }
        if (o instanceof List<?> l) {
            return l.size();
        }
        if (o instanceof byte[] b) {
            return b.length;
        }
        return Objects.hashCode(o) == 0 ? 0 : 1;
    }
}
