package org.civicpress.ycrdt.lib0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Json against vectors printed by node (js/fixtures-gen/json-vectors.mjs). */
class JsonTest {
    @TestFactory
    Stream<DynamicTest> nodeVectors() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (var in = JsonTest.class.getResourceAsStream("json-vectors.tsv");
                var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows.stream()
                .map(f -> DynamicTest.dynamicTest(f[0] + " " + f[1], () -> {
                    switch (f[0]) {
                        case "num" -> {
                            double d = Double.longBitsToDouble(new java.math.BigInteger(f[1], 16).longValue());
                            assertEquals(f[2], Json.numberToString(d));
                            assertEquals(f[2], Json.stringify(d));
                        }
                        case "json" -> assertEquals(f[2], Json.stringify(Json.parse((String) Json.parse(f[1]))));
                        case "bad" -> assertThrows(
                                InvalidUpdateException.class, () -> Json.parse((String) Json.parse(f[1])));
                        default -> throw new AssertionError(f[0]);
                    }
                }));
    }

    @Test
    void stringifyAnyValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("u", Undefined.INSTANCE);
        m.put("l", Arrays.asList(Undefined.INSTANCE, null, 1, 2.0, Double.NaN, true));
        m.put("bin", new byte[] {1, (byte) 200});
        m.put("big", BigInteger.TEN);
        assertEquals("{\"l\":[null,null,1,2,null,true],\"bin\":{\"0\":1,\"1\":200},\"big\":10}", Json.stringify(m));
        assertNull(Json.stringify(Undefined.INSTANCE));
        assertEquals("\"\\u0001\\ud800\"", Json.stringify("\u0001\ud800"));
    }

    @Test
    void onlyAsciiHexDigitsInUnicodeEscapes() {
        assertEquals("A", Json.parse("\"\\u0041\""));
        assertThrows(InvalidUpdateException.class, () -> Json.parse("\"\\u\u0660\u0660\u0664\u0661\""));
    }

    @Test
    void deepNestingIsRejectedQuickly() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThrows(InvalidUpdateException.class, () -> Json.parse(deep));
        });
        String ok = "[".repeat(500) + "]".repeat(500);
        assertEquals(ok, Json.stringify(Json.parse(ok)));
    }
}
