package org.civicpress.ycrdt.types;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;

/** Small helpers shared by the type tests. */
final class TypesTestSupport {
    private TypesTestSupport() {}

    static Doc doc(long clientId) {
        return new Doc(DocOptions.defaults().withClientId(clientId));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] unhex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** A small insertion-ordered map literal: attrs("bold", true, "color", "red"). */
    static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
