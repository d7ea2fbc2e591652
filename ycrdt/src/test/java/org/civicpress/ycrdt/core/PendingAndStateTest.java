package org.civicpress.ycrdt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/** Out-of-order delivery, duplicates, state-vector diffs and GC, checked against Yjs 13.6.33 bytes. */
class PendingAndStateTest {
    static final HexFormat HEX = HexFormat.of();
    // client 5: insert "ab", insert "cd" at 2, insert "X" at 1, delete(0, 2)
    static final byte[][] UPS = {
        HEX.parseHex("010105000401017402616200"),
        HEX.parseHex("0101050284050102636400"),
        HEX.parseHex("01010504c405000501015800"),
        HEX.parseHex("0001050200010401")
    };
    static final String FULL = "01030500010101740184050003626364c1050005010101050200010401";

    static Doc doc(long client) {
        return new Doc(DocOptions.defaults().withClientId(client));
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    @Test
    void structsWaitInPendingUntilTheirDependenciesArrive() {
        Doc b = doc(6);
        Y.applyUpdate(b, UPS[2]);
        Y.applyUpdate(b, UPS[1]);
        assertTrue(b.hasPending());
        assertEquals("00", hex(Y.encodeStateVector(b)));
        // Yjs includes pending structs in encodeStateAsUpdate
        assertEquals("01020502840501026364c405000501015800", hex(Y.encodeStateAsUpdate(b)));
        assertEquals("00000245020202420102038400c40603636458020100000001020200", hex(Y.encodeStateAsUpdateV2(b)));
        Y.applyUpdate(b, UPS[3]); // deletes clocks we don't have yet: pending delete set
        assertEquals("01020502840501026364c405000501015801050200010401", hex(Y.encodeStateAsUpdate(b)));
        Y.applyUpdate(b, UPS[0]);
        assertFalse(b.hasPending());
        assertEquals("bcd", b.getText("t").toString());
        assertEquals(FULL, hex(Y.encodeStateAsUpdate(b)));
    }

    @Test
    void everyDeliveryOrderConverges() {
        int[][] orders = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}, {3, 0, 2, 1}};
        for (int[] order : orders) {
            Doc d = doc(9);
            for (int i : order) {
                Y.applyUpdate(d, UPS[i]);
            }
            assertFalse(d.hasPending());
            assertEquals("bcd", d.getText("t").toString());
            assertEquals(FULL, hex(Y.encodeStateAsUpdate(d)));
        }
    }

    @Test
    void duplicateApplicationIsANoOp() {
        Doc d = doc(9);
        for (byte[] u : UPS) {
            Y.applyUpdate(d, u);
        }
        List<byte[]> emitted = new ArrayList<>();
        d.onUpdate((u, origin, tr) -> emitted.add(u));
        for (byte[] u : UPS) {
            Y.applyUpdate(d, u);
        }
        Y.applyUpdate(d, HEX.parseHex(FULL));
        assertEquals(0, emitted.size());
        assertEquals(FULL, hex(Y.encodeStateAsUpdate(d)));
        assertEquals("bcd", d.getText("t").toString());
    }

    @Test
    void encodeStateAsUpdateWithStateVectorSendsOnlyTheDifference() {
        Doc a = doc(5);
        for (byte[] u : UPS) {
            Y.applyUpdate(a, u);
        }
        byte[] sv1 = HEX.parseHex("010502");
        assertEquals("01020502840501026364c1050005010101050200010401", hex(Y.encodeStateAsUpdate(a, sv1)));
        Doc partial = doc(10);
        Y.applyUpdate(partial, UPS[0]);
        assertEquals("010502", hex(Y.encodeStateVector(partial)));
        Y.applyUpdate(partial, Y.encodeStateAsUpdate(a, Y.encodeStateVector(partial)));
        assertEquals("bcd", partial.getText("t").toString());
        assertEquals(java.util.Map.of(5L, 5L), Y.decodeStateVector(Y.encodeStateVector(partial)));
    }

    private static void gcScenario(Doc g) {
        var t = g.getText("t");
        t.insert(0, "hello");
        t.delete(1, 3);
        var arr = g.getArray("arr");
        arr.insert(0, List.of(new org.civicpress.ycrdt.types.YMap()));
        ((org.civicpress.ycrdt.types.YMap) arr.get(0)).set("k", "v");
        arr.delete(0, 1);
    }

    @Test
    void gcReplacesDeletedContentLikeYjs() {
        Doc on = doc(7);
        gcScenario(on);
        assertEquals(
                "0105070004010174016881070003840703016f01010361727201000101070201030502",
                hex(Y.encodeStateAsUpdate(on)));
        Doc off = new Doc(DocOptions.defaults().withClientId(7).withGc(false));
        gcScenario(off);
        assertEquals(
                "0105070004010174016884070003656c6c840703016f0701036172720128000705016b0177017601070201030502",
                hex(Y.encodeStateAsUpdate(off)));
        assertEquals("ho", off.getText("t").toString());
    }

    @Test
    void splittingASurrogatePairReplacesBothHalves() {
        Doc s = doc(8);
        var t = s.getText("t");
        t.insert(0, "a\uD83D\uDE00b");
        t.insert(2, "Z");
        assertEquals("a\uFFFDZ\uFFFDb", t.toString());
        assertEquals("01030800040101740461efbfbd84080104efbfbd62c408010802015a00", hex(Y.encodeStateAsUpdate(s)));
    }

    @Test
    void untypedTopLevelTypesLookLikeYjs() {
        Doc u = doc(11);
        Y.applyUpdate(u, HEX.parseHex(FULL));
        assertEquals("{}", u.toJSONString());
        u.getText("t");
        assertEquals("{\"t\":\"bcd\"}", u.toJSONString());
    }

    @Test
    void itemsSplitAndMergeBack() {
        Doc d = doc(1);
        var t = d.getText("t");
        t.insert(0, "abcdef");
        t.insert(3, "X"); // splits "abcdef"
        t.delete(3, 1); // deleted X is gc'd and merged with nothing (different parent position)
        assertEquals("abcdef", t.toString());
        // structs: "abc", "X"(deleted), "def" — the right half can't merge back (different origin)
        assertEquals(3, d.store.clients.get(1L).size());
        t.insert(6, "gh"); // after "def" in the text but after X in the store: cannot merge
        assertEquals(4, d.store.clients.get(1L).size());
        assertEquals(
                "01040100040101740361626384010203646566c101020103018401050267680101010601",
                hex(Y.encodeStateAsUpdate(d)));
        t.insert(8, "ij"); // typing on: merged into "gh"
        assertEquals(4, d.store.clients.get(1L).size());
        Doc copy = doc(2);
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(d));
        assertEquals("abcdefghij", copy.getText("t").toString());
        d.store.integrityCheck();
        copy.store.integrityCheck();
    }

    private static byte[] gcUpdate(long client, long clock, long len) {
        org.civicpress.ycrdt.lib0.Encoder e = new org.civicpress.ycrdt.lib0.Encoder();
        e.writeVarUint(1);
        e.writeVarUint(1);
        e.writeVarUint(client);
        e.writeVarUint(clock);
        e.writeUint8(0); // GC
        e.writeVarUint(len);
        e.writeVarUint(0);
        return e.toUint8Array();
    }

    @Test
    void hugeGcRunsStaySeparateInsteadOfOverflowing() {
        Doc d = doc(1);
        long big = Integer.MAX_VALUE;
        Y.applyUpdate(d, gcUpdate(9, 0, big));
        Y.applyUpdate(d, gcUpdate(9, big, 5));
        assertEquals(big + 5, d.store.getState(9));
        d.store.integrityCheck();
        Doc copy = doc(2);
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(d));
        assertEquals(big + 5, copy.store.getState(9));
        copy.store.integrityCheck();
    }

    @Test
    void parentThatHoldsNoTypeBecomesAGcLikeInYjs() {
        Doc d = doc(1);
        d.getText("t").insert(0, "abc");
        // client 2 inserts "zz" with parent = item 1:1 (a character, not a type)
        Y.applyUpdate(d, HEX.parseHex("0101020004000101027a7a00"));
        assertEquals("02010200000201010004010174036162630102010002", hex(Y.encodeStateAsUpdate(d)));
        assertEquals("abc", d.getText("t").toString());
    }
}
