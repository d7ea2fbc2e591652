package org.civicpress.ycrdt.lib0;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.InvalidUpdateException;

/**
 * JSON as JavaScript's {@code JSON.stringify} / {@code JSON.parse} do it, for Any values (see
 * {@link Any}). Output is byte-for-byte what JavaScript prints, including number formatting and
 * key order, so documents serialise identically on both sides.
 */
public final class Json {
    private Json() {}

    /**
     * JSON.stringify. Returns null where JavaScript returns undefined (top-level undefined). A
     * BigInteger, which JavaScript refuses to serialise, is written as its decimal digits.
     */
    public static String stringify(Object value) {
        if (value == Undefined.INSTANCE) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int depth) {
        if (depth > Limits.MAX_DEPTH) {
            throw new IllegalArgumentException("value nested deeper than " + Limits.MAX_DEPTH + " levels");
        }
        if (v == null || v == Undefined.INSTANCE) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Long
                || v instanceof Integer
                || v instanceof Short
                || v instanceof Byte
                || v instanceof java.math.BigInteger) {
            sb.append(v);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            sb.append(Double.isFinite(d) ? numberToString(d) : "null");
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : Any.jsKeyOrder(map)) {
                Object val = e.getValue();
                if (val == Undefined.INSTANCE) {
                    continue; // JSON.stringify drops undefined properties
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                write(sb, val, depth + 1);
            }
            sb.append('}');
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, list.get(i), depth + 1);
            }
            sb.append(']');
        } else if (v instanceof Object[] arr) {
            write(sb, java.util.Arrays.asList(arr), depth);
        } else if (v instanceof java.util.Collection<?> c) {
            write(sb, new ArrayList<>(c), depth); // a Set (or other collection) as an array, in iteration order
        } else if (v instanceof byte[] bytes) {
            // a Uint8Array serialises as an object keyed by index
            sb.append('{');
            for (int i = 0; i < bytes.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append('"').append(i).append("\":").append(bytes[i] & 0xFF);
            }
            sb.append('}');
        } else {
            quote(sb, v.toString());
        }
    }

    /** JSON.stringify's QuoteJSONString (well-formed: lone surrogates are escaped). */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        hexEscape(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        hexEscape(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void hexEscape(StringBuilder sb, char c) {
        String hex = Integer.toHexString(c);
        sb.append("\\u");
        for (int k = hex.length(); k < 4; k++) {
            sb.append('0');
        }
        sb.append(hex);
    }

    /** JavaScript's Number.prototype.toString() for a finite double (shortest round-trip digits). */
    public static String numberToString(double d) {
        if (d == 0) {
            return "0"; // also -0
        }
        if (d == Math.rint(d) && Math.abs(d) <= Limits.MAX_SAFE_INTEGER) {
            return Long.toString((long) d);
        }
        boolean negative = d < 0;
        double a = Math.abs(d);
        BigDecimal shortest = shortestDigits(a);
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale();
        StringBuilder sb = new StringBuilder(24);
        if (negative) {
            sb.append('-');
        }
        if (k <= n && n <= 21) {
            sb.append(digits);
            for (int i = k; i < n; i++) {
                sb.append('0');
            }
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.");
            for (int i = n; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits);
        } else {
            int e = n - 1;
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return sb.toString();
    }

    /** Fewest significant digits that read back as {@code a}; of those, the closest to it. */
    private static BigDecimal shortestDigits(double a) {
        BigDecimal exact = new BigDecimal(a);
        for (int p = 1; p <= 17; p++) {
            BigDecimal down = exact.round(new MathContext(p, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(p, RoundingMode.CEILING));
            boolean downOk = down.doubleValue() == a;
            boolean upOk = up.doubleValue() == a;
            if (downOk || upOk) {
                BigDecimal pick;
                if (downOk && upOk) {
                    int cmp = exact.subtract(down).compareTo(up.subtract(exact));
                    pick = cmp < 0 ? down : cmp > 0 ? up : exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
                } else {
                    pick = downOk ? down : up;
                }
                return pick.stripTrailingZeros();
            }
        }
        return exact.round(MathContext.DECIMAL64).stripTrailingZeros();
    }

    /** JSON.parse; malformed text throws InvalidUpdateException. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.i != text.length()) {
            throw p.fail("unexpected trailing characters");
        }
        return v;
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        InvalidUpdateException fail(String what) {
            return new InvalidUpdateException("invalid JSON: " + what + " at char " + i);
        }

        void skipWs() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    i++;
                } else {
                    break;
                }
            }
        }

        Object value(int depth) {
            if (i >= s.length()) {
                throw fail("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw fail("unexpected character '" + c + "'");
            }
        }

        Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw fail("bad literal");
            }
            i += word.length();
            return v;
        }

        Object object(int depth) {
            if (depth >= Limits.MAX_DEPTH) {
                throw fail("nested deeper than " + Limits.MAX_DEPTH);
            }
            i++;
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            skipWs();
            if (i < s.length() && s.charAt(i) == '}') {
                i++;
                return map;
            }
            while (true) {
                skipWs();
                if (i >= s.length() || s.charAt(i) != '"') {
                    throw fail("expected property name");
                }
                String key = string();
                skipWs();
                expect(':');
                skipWs();
                map.put(key, value(depth + 1));
                skipWs();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        Object array(int depth) {
            if (depth >= Limits.MAX_DEPTH) {
                throw fail("nested deeper than " + Limits.MAX_DEPTH);
            }
            i++;
            ArrayList<Object> list = new ArrayList<>();
            skipWs();
            if (i < s.length() && s.charAt(i) == ']') {
                i++;
                return list;
            }
            while (true) {
                skipWs();
                list.add(value(depth + 1));
                skipWs();
                if (i < s.length() && s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw fail("expected '" + c + "'");
            }
            i++;
        }

        String string() {
            i++; // opening quote
            StringBuilder sb = null;
            int runStart = i;
            while (true) {
                if (i >= s.length()) {
                    throw fail("unterminated string");
                }
                char c = s.charAt(i);
                if (c == '"') {
                    String tail = s.substring(runStart, i);
                    i++;
                    return sb == null ? tail : sb.append(tail).toString();
                }
                if (c < 0x20) {
                    throw fail("control character in string");
                }
                if (c != '\\') {
                    i++;
                    continue;
                }
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(s, runStart, i);
                i++;
                if (i >= s.length()) {
                    throw fail("unterminated escape");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw fail("bad unicode escape");
                        }
                        int cp = 0;
                        for (int k = 0; k < 4; k++) {
                            int h = hexDigit(s.charAt(i + k));
                            if (h < 0) {
                                throw fail("bad unicode escape");
                            }
                            cp = cp * 16 + h;
                        }
                        i += 4;
                        sb.append((char) cp);
                    }
                    default -> throw fail("bad escape");
                }
                runStart = i;
            }
        }

        Object number() {
            int st = i;
            boolean integral = true;
            if (s.charAt(i) == '-') {
                i++;
            }
            if (i >= s.length()) {
                throw fail("bad number");
            }
            if (s.charAt(i) == '0') {
                i++;
            } else if (s.charAt(i) >= '1' && s.charAt(i) <= '9') {
                while (i < s.length() && isDigit(s.charAt(i))) {
                    i++;
                }
            } else {
                throw fail("bad number");
            }
            if (i < s.length() && s.charAt(i) == '.') {
                integral = false;
                i++;
                digits();
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                integral = false;
                i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                digits();
            }
            String lit = s.substring(st, i);
            if (integral && lit.length() <= 16) {
                long v = Long.parseLong(lit);
                if (v == 0 && lit.startsWith("-")) {
                    return -0.0d;
                }
                if (Math.abs(v) <= Limits.MAX_SAFE_INTEGER) {
                    return v;
                }
            }
            return Double.parseDouble(lit);
        }

        void digits() {
            int st = i;
            while (i < s.length() && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == st) {
                throw fail("bad number");
            }
        }

        /** ASCII hex only: Character.digit would also accept other scripts' digits, JSON does not. */
        static int hexDigit(char c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
            }
            return -1;
        }

        static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
