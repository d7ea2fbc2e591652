package org.civicpress.ycrdt.lib0;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How JavaScript values of lib0's Any format map to Java: undefined = {@link Undefined#INSTANCE},
 * null = null, integer = Long (Integer accepted on write; JS -0 reads back as Double -0.0),
 * float = Double, bigint = BigInteger, boolean = Boolean, string = String, object =
 * LinkedHashMap&lt;String,Object&gt;, array = ArrayList&lt;Object&gt;, Uint8Array = byte[].
 */
public final class Any {
    private Any() {}

    /**
     * Entries in the order JavaScript's {@code Object.keys} would list them: array-index keys
     * ("0".."4294967294") ascending first, then the other keys in insertion order. Encoding and
     * JSON output depend on this order.
     */
    public static List<Map.Entry<?, ?>> jsKeyOrder(Map<?, ?> map) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.size());
        boolean anyIndex = false;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            entries.add(e);
            if (!anyIndex && arrayIndex(String.valueOf(e.getKey())) >= 0) {
                anyIndex = true;
            }
        }
        if (!anyIndex) {
            return entries;
        }
        List<Map.Entry<?, ?>> indices = new ArrayList<>();
        List<Map.Entry<?, ?>> others = new ArrayList<>();
        for (Map.Entry<?, ?> e : entries) {
            (arrayIndex(String.valueOf(e.getKey())) >= 0 ? indices : others).add(e);
        }
        indices.sort(
                (a, b) -> Long.compare(arrayIndex(String.valueOf(a.getKey())), arrayIndex(String.valueOf(b.getKey()))));
        indices.addAll(others);
        return indices;
    }

    /** The array index a key denotes in JavaScript, or -1 if it is an ordinary property name. */
    static long arrayIndex(String key) {
        int n = key.length();
        if (n == 0 || n > 10) {
            return -1;
        }
        char c0 = key.charAt(0);
        if (c0 < '0' || c0 > '9' || (c0 == '0' && n > 1)) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v < 4294967295L ? v : -1;
    }
}
