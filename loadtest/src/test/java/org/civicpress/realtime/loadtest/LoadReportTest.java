package org.civicpress.realtime.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.lib0.Json;
import org.junit.jupiter.api.Test;

class LoadReportTest {
    @Test
    void jsonLineIsOneJsonObjectWithFourDecimals() {
        LoadReport r = new LoadReport(
                "steady \"q\"",
                "ours",
                "v1",
                2,
                3,
                1,
                2.5,
                3.0,
                6,
                6,
                0,
                0,
                0,
                0,
                10,
                20,
                10,
                1.23456,
                2.0,
                3.0,
                4.0,
                0.5,
                0.25,
                1000,
                2000,
                Map.of(),
                List.of(1.5, 2.5),
                12.0,
                LoadReport.Flood.NONE);
        String line = r.jsonLine();
        assertTrue(line.startsWith("RESULT_JSON {"), line);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(line.substring("RESULT_JSON ".length()));
        assertEquals("steady \"q\"", m.get("scenario"));
        assertEquals(1.2346, ((Number) m.get("p50Ms")).doubleValue());
        assertEquals(6L, ((Number) m.get("connected")).longValue());
        assertEquals(20.0 / 3.0, ((Number) m.get("deliveriesPerSecond")).doubleValue(), 1e-4);
        assertTrue(m.containsKey("rssKibPerConnection"));
        assertEquals(List.of(1.5, 2.5), m.get("p99BySliceMs"));
        assertNull(m.get("noSuchKey"));
    }
}
