package org.civicpress.ycrdt.types;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.lib0.Limits;
import org.civicpress.ycrdt.lib0.Undefined;

/**
 * Validates JSON-like values before an edit starts: the encoders would otherwise fail (too deep)
 * or silently write `undefined` (unknown classes) after the item is already integrated.
 */
final class AnyCheck {
    private AnyCheck() {}

    /** Throws IllegalArgumentException unless v is an encodable Any value. */
    static void checkAny(Object v) {
        checkAny(v, 0);
    }

    private static void checkAny(Object v, int depth) {
        if (depth > Limits.MAX_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + Limits.MAX_DEPTH + " levels");
        }
        if (v == null
                || v instanceof Undefined
                || v instanceof String
                || v instanceof Boolean
                || v instanceof byte[]
                || v instanceof Long
                || v instanceof Integer
                || v instanceof Short
                || v instanceof Byte
                || v instanceof Double
                || v instanceof Float
                || v instanceof BigInteger) {
            return;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("object keys must be strings, got " + describe(e.getKey()));
                }
                checkAny(e.getValue(), depth + 1);
            }
            return;
        }
        if (v instanceof List<?> l) {
            for (Object o : l) {
                checkAny(o, depth + 1);
            }
            return;
        }
        throw new IllegalArgumentException("unsupported value type " + describe(v));
    }

    /** Attributes of a text insert/format: string keys, Any values. */
    static void checkAttributes(Map<String, Object> attributes) {
        if (attributes != null) {
            checkAny(attributes);
        }
    }

    static String describe(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }
}
