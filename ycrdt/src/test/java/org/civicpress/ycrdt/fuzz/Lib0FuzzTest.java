package org.civicpress.ycrdt.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.lib0.Json;

/**
 * Round-trip properties of the lib0 codecs on arbitrary input: whatever decodes re-encodes to
 * something that decodes to the same value; nothing but InvalidUpdateException escapes.
 */
class Lib0FuzzTest {
    @FuzzTest(maxDuration = "2m")
    void anyRoundTrip(byte[] data) {
        if (data == null) {
            return;
        }
        Object value;
        try {
            value = new Decoder(data).readAny();
        } catch (InvalidUpdateException rejected) {
            return;
        }
        Encoder e = new Encoder();
        e.writeAny(value);
        byte[] once = e.toUint8Array();
        Encoder e2 = new Encoder();
        e2.writeAny(new Decoder(once).readAny());
        assertArrayEquals(once, e2.toUint8Array());
    }

    @FuzzTest(maxDuration = "2m")
    void jsonRoundTrip(String text) {
        if (text == null) {
            return; // Jazzer's empty input
        }
        Object value;
        try {
            value = Json.parse(text);
        } catch (InvalidUpdateException rejected) {
            return;
        }
        String once = Json.stringify(value);
        assertEquals(once, Json.stringify(Json.parse(once)));
    }
}
