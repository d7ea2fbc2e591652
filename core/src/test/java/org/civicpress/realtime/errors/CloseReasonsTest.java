package org.civicpress.realtime.errors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseReasonsTest {
    @Test
    void shortReasonsStayAsTheyAre() {
        String r = "x".repeat(123);
        assertEquals(r, CloseReasons.truncate(r));
        assertEquals("", CloseReasons.truncate(null));
        assertEquals("", CloseReasons.truncate(""));
    }

    @Test
    void longAsciiIsCutAt123Bytes() {
        assertEquals("x".repeat(123), CloseReasons.truncate("x".repeat(200)));
    }

    @Test
    void multiByteCharactersAreNeverSplit() {
        // é is 2 bytes: 61 of them make 122 bytes, a 62nd would need 124
        assertEquals("é".repeat(61), CloseReasons.truncate("é".repeat(100)));
        // € is 3 bytes: 41 of them are exactly 123
        assertEquals("€".repeat(41), CloseReasons.truncate("€".repeat(50)));
        // an emoji is 4 bytes (a surrogate pair in Java): 30 of them are 120 bytes, the pair is kept whole
        String cut = CloseReasons.truncate("a" + "😀".repeat(40));
        assertEquals("a" + "😀".repeat(30), cut);
        assertArrayEquals(cut.getBytes(StandardCharsets.UTF_8), CloseReasons.utf8("a" + "😀".repeat(40)));
    }

    @Test
    void aReasonOfOneHundredCharactersCanBeMoreThan123Bytes() {
        // why a cut at 100 chars is not enough
        String reason = "ü".repeat(100);
        assertEquals(200, reason.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(122, CloseReasons.utf8(reason).length);
    }
}
