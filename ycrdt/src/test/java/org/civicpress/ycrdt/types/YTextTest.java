package org.civicpress.ycrdt.types;

import static org.civicpress.ycrdt.types.TypesTestSupport.attrs;
import static org.civicpress.ycrdt.types.TypesTestSupport.doc;
import static org.civicpress.ycrdt.types.TypesTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;

/** Local YText editing; expected values were produced by Yjs 13.6.33 running the same edits. */
class YTextTest {

    @Test
    void insertFormatDeleteEmbedMatchesYjsBytes() {
        Doc d = doc(42);
        YText t = d.getText("t");
        t.insert(0, "hello world");
        t.format(0, 5, attrs("bold", true));
        t.insert(5, "!", attrs("italic", true));
        t.delete(2, 1);
        t.insertEmbed(3, attrs("image", "x"));
        t.insert(0, "A");
        assertEquals("Ahelo! world", t.toString());
        assertEquals(
                "[{\"insert\":\"A\"},{\"insert\":\"hel\",\"attributes\":{\"bold\":true}},{\"insert\":{\"image\":\"x\"}},"
                        + "{\"insert\":\"o\",\"attributes\":{\"bold\":true}},{\"insert\":\"!\",\"attributes\":{\"italic\":true}},"
                        + "{\"insert\":\" world\"}]",
                Json.stringify(t.toDelta()));
        assertEquals(
                "010e2a0004010174026865812a0101842a02016c842a03016f842a040620776f726c64462a0004626f6c640474727565"
                        + "c62a042a0504626f6c64046e756c6cc62a0c2a05066974616c69630474727565c42a0d2a050121c62a0e2a05066974616c6963"
                        + "046e756c6cc62a032a0404626f6c64046e756c6cc52a102a040d7b22696d616765223a2278227dc62a112a0404626f6c64047472"
                        + "7565442a0b0141012a010201",
                hex(Y.encodeStateAsUpdate(d)));
        assertEquals("{\"t\":\"Ahelo! world\"}", d.toJSONString());
    }

    @Test
    void overlappingFormatsAreMinimisedLikeYjs() {
        Doc d = doc(42);
        YText t = d.getText("t");
        t.insert(0, "abcdef");
        t.format(0, 6, attrs("bold", true));
        t.format(2, 2, attrs("bold", null));
        t.format(0, 6, attrs("bold", true, "color", "red"));
        t.format(1, 3, attrs("color", null));
        t.delete(0, 2);
        t.insert(1, "xy");
        assertEquals("cxydef", t.toString());
        assertEquals(
                "[{\"insert\":\"cxyd\",\"attributes\":{\"bold\":true}},"
                        + "{\"insert\":\"ef\",\"attributes\":{\"bold\":true,\"color\":\"red\"}}]",
                Json.stringify(t.toDelta()));
        assertEquals(
                "010e2a000101017401812a0001842a010163842a020164842a03026566462a0004626f6c640474727565862a0504626f6c6404"
                        + "6e756c6cc12a012a0201c12a032a0401c12a062a0001c62a052a0705636f6c6f72046e756c6cc12a002a0101c62a092a0405636f6c"
                        + "6f72052272656422c42a022a03027879012a03000208030c01",
                hex(Y.encodeStateAsUpdate(d)));
    }

    @Test
    void textEventDeltasMatchYjs() {
        Doc d = doc(42);
        YText t = d.getText("t");
        t.insert(0, "abcdefgh");
        t.format(2, 3, attrs("bold", true));
        List<String> events = new ArrayList<>();
        t.observe((e, tr) -> events.add(Json.stringify(e.delta())));
        d.transact(tr -> {
            t.delete(0, 1);
            t.insert(3, "XY");
            t.format(5, 3, attrs("italic", true));
            t.format(1, 2, attrs("bold", null));
        });
        d.transact(tr -> {
            t.insertEmbed(2, attrs("img", 1));
            t.delete(6, 2);
        });
        assertEquals(
                List.of(
                        "[{\"delete\":1},{\"retain\":1},{\"retain\":2,\"attributes\":{\"bold\":null}},"
                                + "{\"insert\":\"XY\",\"attributes\":{\"bold\":true}},{\"retain\":3,\"attributes\":{\"italic\":true}}]",
                        "[{\"retain\":2},{\"insert\":{\"img\":1}},{\"retain\":3},{\"delete\":2}]"),
                events);
    }

    @Test
    void concurrentFormattingConvergesLikeYjs() {
        Doc d1 = doc(1);
        Doc d2 = doc(2);
        d1.getText("t").insert(0, "hello");
        Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1));
        d1.getText("t").insert(5, " world");
        d1.getText("t").format(0, 5, attrs("b", true));
        d2.getText("t").insert(0, ">> ");
        d2.getText("t").format(2, 4, attrs("b", true));
        d2.getText("t").delete(4, 2);
        Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1));
        Y.applyUpdate(d1, Y.encodeStateAsUpdate(d2));
        String expected =
                "[{\"insert\":\">>\",\"attributes\":{\"b\":true}},{\"insert\":\" h\",\"attributes\":{\"b\":true}},"
                        + "{\"insert\":\"lo\"},{\"insert\":\" world\"}]";
        assertEquals(expected, Json.stringify(d1.getText("t").toDelta()));
        assertEquals(expected, Json.stringify(d2.getText("t").toDelta()));
        assertEquals(
                "02040200440100023e3ec4020101000120c60201020201620474727565c6010201030162046e756c6c06010004010174016881"
                        + "010002840102026c6f8401040620776f726c6446010001620474727565c6010401050162046e756c6c0101010102",
                hex(Y.encodeStateAsUpdate(d1)));
    }

    @Test
    void surrogatePairsCountAsTwoUnits() {
        Doc d = doc(7);
        YText t = d.getText("t");
        t.insert(0, "a😀b");
        assertEquals(4, t.length());
        t.delete(1, 2);
        assertEquals("ab", t.toString());
    }

    @Test
    void applyDeltaRoundTrips() {
        Doc d = doc(3);
        YText t = d.getText("t");
        t.applyDelta(List.of(
                Map.of("insert", "Gandalf", "attributes", attrs("bold", true)),
                Map.of("insert", " the "),
                Map.of("insert", "Grey", "attributes", attrs("color", "#ccc"))));
        assertEquals(
                "[{\"insert\":\"Gandalf\",\"attributes\":{\"bold\":true}},{\"insert\":\" the \"},"
                        + "{\"insert\":\"Grey\",\"attributes\":{\"color\":\"#ccc\"}}]",
                Json.stringify(t.toDelta()));
        t.applyDelta(List.of(
                Map.of("retain", 1), Map.of("delete", 3), Map.of("retain", 2, "attributes", attrs("bold", null))));
        // checked against Yjs 13.6.33
        assertEquals(
                "[{\"insert\":\"G\",\"attributes\":{\"bold\":true}},{\"insert\":\"al\"},"
                        + "{\"insert\":\"f\",\"attributes\":{\"bold\":true}},{\"insert\":\" the \"},"
                        + "{\"insert\":\"Grey\",\"attributes\":{\"color\":\"#ccc\"}}]",
                Json.stringify(t.toDelta()));
    }

    @Test
    void outOfRangeEditsThrowAndChangeNothing() {
        Doc d = doc(5);
        YText t = d.getText("t");
        t.insert(0, "abc");
        byte[] before = Y.encodeStateAsUpdate(d);
        assertThrows(IndexOutOfBoundsException.class, () -> t.delete(2, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> t.insert(4, "x"));
        assertThrows(IndexOutOfBoundsException.class, () -> t.insert(-1, "x"));
        assertEquals(hex(before), hex(Y.encodeStateAsUpdate(d)));
    }

    @Test
    void preliminaryTextIsInsertedOnIntegration() {
        Doc d = doc(9);
        YText nested = new YText("nested");
        nested.insert(0, ">");
        d.getMap("m").set("t", nested);
        assertEquals(">nested", nested.toString());
    }

    @Test
    void sequentialTypingIsFast() {
        Doc d = doc(11);
        YText t = d.getText("t");
        long start = System.nanoTime();
        java.util.Random rnd = new java.util.Random(1);
        int len = 0;
        for (int i = 0; i < 30_000; i++) {
            if (len > 0 && rnd.nextInt(10) == 0) {
                t.delete(rnd.nextInt(len), 1);
                len--;
            } else {
                // mostly typing near the end of the text, like a human does
                int pos = Math.max(0, len - rnd.nextInt(Math.min(len, 50) + 1));
                t.insert(pos, "x");
                len++;
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(len, t.length());
        assertEquals(len, t.toString().length());
        org.junit.jupiter.api.Assertions.assertTrue(ms < 20_000, "30k local edits took " + ms + " ms");
    }

    @Test
    void applyDeltaKeepsAttributeInsertionOrderLikeJsMaps() {
        // current attributes are k then b (not hash order): format items must be written in that order
        Doc d = doc(42);
        YText t = d.getText("t");
        t.insert(0, "ab");
        t.format(0, 2, attrs("b", true));
        t.format(0, 2, attrs("k", 1L));
        t.applyDelta(List.of(Map.of("retain", 1), Map.of("insert", "X", "attributes", Map.of())));
        assertEquals(
                "[{\"insert\":\"a\",\"attributes\":{\"k\":1,\"b\":true}},{\"insert\":\"X\"},"
                        + "{\"insert\":\"b\",\"attributes\":{\"k\":1,\"b\":true}}]",
                Json.stringify(t.toDelta()));
        assertEquals(
                "010b2a00040101740161842a000162462a0001620474727565862a010162046e756c6c462a02016b0131862a03016b046e756c"
                        + "6cc62a002a01016b046e756c6cc62a062a010162046e756c6cc42a072a010158c62a082a01016b0131c62a092a0101620474727565"
                        + "00",
                hex(Y.encodeStateAsUpdate(d)));
    }

    @Test
    void remoteFormattingCleanupAlsoRunsOnAnUntypedTopLevelText() {
        // Yjs 13.6.33: two clients bold the same range concurrently; the receiver never called getText("text"),
        // yet the cleanup (triggered by formatting in an existing nested YText) deletes the duplicate format
        Doc b = doc(3);
        Y.applyUpdate(
                b,
                TypesTestSupport.unhex(
                        "01030100040104746578740b68656c6c6f20776f726c642701016d016e020400010b0361626300"));
        Y.applyUpdate(
                b,
                TypesTestSupport.unhex(
                        "0202020046010004626f6c640474727565c60104010504626f6c64046e756c6c04010f46010004"
                                + "626f6c640474727565c60104010504626f6c64046e756c6c46010c01690474727565c6010d010e0169046e756c6c00"));
        assertEquals(
                "0202020046010004626f6c640474727565c60104010504626f6c64046e756c6c090100040104746578740568656c6c6f840104"
                        + "0620776f726c642701016d016e020400010b02616284010d016341010001c60104010504626f6c64046e756c6c46010c01690474"
                        + "727565c6010d010e0169046e756c6c0101010f01",
                hex(Y.encodeStateAsUpdate(b)));
        assertEquals(
                "[{\"insert\":\"hello\",\"attributes\":{\"bold\":true}},{\"insert\":\" world\"}]",
                Json.stringify(b.getText("text").toDelta()));
    }
}
