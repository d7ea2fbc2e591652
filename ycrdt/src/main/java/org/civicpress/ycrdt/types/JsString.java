package org.civicpress.ycrdt.types;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.lib0.Undefined;

/** JS `String(value)` and `for...in` on Any values, for the XML toString() renderings. */
final class JsString {
    private JsString() {}

    static String of(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Undefined) {
            return "undefined";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Boolean
                || v instanceof Long
                || v instanceof Integer
                || v instanceof Short
                || v instanceof Byte
                || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof Number n) {
            return number(n.doubleValue());
        }
        if (v instanceof byte[] b) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < b.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(b[i] & 0xff);
            }
            return sb.toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                Object e = l.get(i);
                if (e != null && !(e instanceof Undefined)) {
                    sb.append(of(e));
                }
            }
            return sb.toString();
        }
        if (v instanceof YText || v instanceof YXmlFragment) {
            return v.toString();
        }
        return "[object Object]";
    }

    /** [key, String(value)] pairs a JS for...in loop would visit on v. */
    static List<String[]> forInEntries(Object v) {
        List<String[]> res = new ArrayList<>();
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> ordered = AbstractType.jsObjectOrder((Map<String, Object>) m);
            ordered.forEach((k, val) -> res.add(new String[] {k, of(val)}));
        } else if (v instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                res.add(new String[] {Integer.toString(i), String.valueOf(s.charAt(i))});
            }
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                res.add(new String[] {Integer.toString(i), of(l.get(i))});
            }
        } else if (v instanceof byte[] b) {
            for (int i = 0; i < b.length; i++) {
                res.add(new String[] {Integer.toString(i), Integer.toString(b[i] & 0xff)});
            }
        }
        return res;
    }

    /** Number.prototype.toString() for a double. */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return Json.numberToString(d);
    }
}
