package org.civicpress.realtime.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.lib0.Json;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
    enum Color {
        RED
    }

    @Test
    void writesWhatJavaScriptsJsonStringifyWrites() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1.0);
        m.put("a", 1e21);
        m.put("set", new LinkedHashSet<>(List.of("b", "a")));
        m.put("at", Instant.parse("2026-01-02T03:04:05Z"));
        m.put("color", Color.RED);
        m.put("nan", Double.NaN);
        m.put("text", "line\nquote\" tab\t é");
        assertEquals(
                "{\"z\":1,\"a\":1e+21,\"set\":[\"b\",\"a\"],\"at\":\"2026-01-02T03:04:05Z\",\"color\":\"RED\","
                        + "\"nan\":null,\"text\":\"line\\nquote\\\" tab\\t é\"}",
                JsonWriter.write(m));
        assertEquals(m.size(), ((Map<?, ?>) Json.parse(JsonWriter.write(m))).size());
    }
}
