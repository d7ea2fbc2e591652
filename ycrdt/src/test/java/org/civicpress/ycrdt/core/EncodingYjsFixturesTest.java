package org.civicpress.ycrdt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/**
 * Byte fixtures produced by Yjs 13.6.33 (node): applying them must give Yjs's JSON, and
 * re-encoding must give Yjs's bytes.
 */
class EncodingYjsFixturesTest {
    static final HexFormat HEX = HexFormat.of();
    // d1 (client 1): text insert/insert/delete, map sets (one overwritten), array insert/delete
    static final String[] UPS = {
        "01010100040101740568656c6c6f00",
        "010101058401040620776f726c6400",
        "000101010001",
        "0101010b2801016d0161017d0100",
        "0101010c2801016d01620177017800",
        "0101010da8010b017601016b75027d017d020101010b01",
        "0101010e08010161047d01770374776f7e7800",
        "000101010f01"
    };
    static final String FULL =
            "0108010001010174018401000a656c6c6f20776f726c642101016d0161012801016d016201770178a8010b0176"
                    + "01016b75027d017d0208010161017d0181010e0188010f027e7801010300010b010f01";
    static final String FULL_V2 =
            "00000241030400160602000f0100840021002800a8000800810088151074656c6c6f20776f726c646d616d62"
                    + "61010a4103010100034104020108007701787601016b75027d017d027d017e7801010300000a000300";
    static final String JSON = "{\"t\":\"ello world\",\"m\":{\"a\":{\"k\":[1,2]},\"b\":\"x\"},\"a\":[1,null,true]}";

    static byte[] fullBytes() {
        return HEX.parseHex(FULL);
    }

    static Doc newDoc(long client) {
        return new Doc(DocOptions.defaults().withClientId(client));
    }

    @Test
    void incrementalUpdatesGiveYjsStateAndBytes() {
        Doc doc = newDoc(99);
        for (String u : UPS) {
            Y.applyUpdate(doc, HEX.parseHex(u));
        }
        doc.getText("t");
        doc.getMap("m");
        doc.getArray("a");
        assertEquals(JSON, doc.toJSONString());
        assertEquals(FULL, HEX.formatHex(Y.encodeStateAsUpdate(doc)));
        assertEquals("010112", HEX.formatHex(Y.encodeStateVector(doc)));
    }

    @Test
    void fullUpdateRoundTrips() {
        Doc doc = newDoc(99);
        Y.applyUpdate(doc, HEX.parseHex(FULL));
        doc.getText("t");
        doc.getMap("m");
        doc.getArray("a");
        assertEquals(JSON, doc.toJSONString());
        assertEquals(FULL, HEX.formatHex(Y.encodeStateAsUpdate(doc)));
    }

    @Test
    void v2FullUpdate() {
        Doc doc = newDoc(99);
        Y.applyUpdateV2(doc, HEX.parseHex(FULL_V2), null);
        doc.getText("t");
        doc.getMap("m");
        doc.getArray("a");
        assertEquals(JSON, doc.toJSONString());
        assertEquals(FULL_V2, HEX.formatHex(Y.encodeStateAsUpdateV2(doc)));
    }

    @Test
    void localEditsProduceYjsUpdates() {
        Doc doc = newDoc(1);
        java.util.List<String> ups = new java.util.ArrayList<>();
        doc.onUpdate((u, origin, tr) -> ups.add(HEX.formatHex(u)));
        var t = doc.getText("t");
        t.insert(0, "hello");
        t.insert(5, " world");
        t.delete(0, 1);
        var m = doc.getMap("m");
        m.set("a", 1L);
        m.set("b", "x");
        m.set("a", java.util.Map.of("k", java.util.List.of(1L, 2L)));
        var a = doc.getArray("a");
        a.insert(0, java.util.Arrays.asList(1L, "two", null, true));
        a.delete(1, 1);
        assertEquals(java.util.List.of(UPS), ups);
        assertEquals(FULL, HEX.formatHex(Y.encodeStateAsUpdate(doc)));
    }

    @Test
    void concurrentInsertsConvergeLikeYjs() {
        byte[] ua = HEX.parseHex("01030a00040101740161840a00026263c40a000a0102585800");
        byte[] ub = HEX.parseHex("02021400c40a000a010159c114000a0101020a00040101740161840a000262630114010101");
        String full = "02021400c40a000a010159c114000a0101030a00040101740161840a00026263c40a000a010258580114010101";
        Doc d1 = newDoc(7);
        Y.applyUpdate(d1, ua);
        Y.applyUpdate(d1, ub);
        Doc d2 = newDoc(8);
        Y.applyUpdate(d2, ub);
        Y.applyUpdate(d2, ua);
        assertEquals("aXXYbc", d1.getText("t").toString());
        assertEquals("aXXYbc", d2.getText("t").toString());
        assertEquals(full, HEX.formatHex(Y.encodeStateAsUpdate(d1)));
        assertArrayEquals(Y.encodeStateAsUpdate(d1), Y.encodeStateAsUpdate(d2));
    }
}
