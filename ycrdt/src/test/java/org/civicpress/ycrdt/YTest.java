package org.civicpress.ycrdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/** The facade: every entry point works on real updates and agrees with the others. */
class YTest {
    /** toJSON after typing the shares (untyped top-level types show as nothing, as in Yjs). */
    static String json(Doc d) {
        d.getText("t");
        d.getMap("m");
        return d.toJSONString();
    }

    @Test
    void facadeRoundTrips() {
        Doc a = new Doc(DocOptions.defaults().withClientId(1));
        List<byte[]> updates = new ArrayList<>();
        a.onUpdate((u, o, tr) -> updates.add(u));
        a.getText("t").insert(0, "hello");
        a.getMap("m").set("k", "v");
        a.getText("t").delete(0, 1);
        byte[] merged = Y.mergeUpdates(updates);
        Doc b = new Doc(DocOptions.defaults().withClientId(2));
        Y.applyUpdate(b, merged);
        assertEquals(json(a), json(b));
        assertArrayEquals(Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(b));
        assertArrayEquals(Y.encodeStateVector(a), Y.encodeStateVectorFromUpdate(merged));
        assertEquals(Map.of(1L, 6L), Y.decodeStateVector(Y.encodeStateVector(a)));

        byte[] v2 = Y.convertUpdateFormatV1ToV2(merged);
        Doc c = new Doc(DocOptions.defaults().withClientId(3));
        Y.applyUpdateV2(c, v2, "origin");
        assertEquals(json(a), json(c));
        assertArrayEquals(Y.encodeStateAsUpdateV2(a, null), Y.encodeStateAsUpdateV2(c, null));
        assertArrayEquals(merged, Y.convertUpdateFormatV2ToV1(v2));

        byte[] svAfterFirst = Y.encodeStateVectorFromUpdate(updates.get(0));
        Doc lag = new Doc(DocOptions.defaults().withClientId(4));
        Y.applyUpdate(lag, updates.get(0));
        Y.applyUpdate(lag, Y.diffUpdate(merged, svAfterFirst));
        assertEquals(json(a), json(lag));
        Doc lag2 = new Doc(DocOptions.defaults().withClientId(5));
        Y.applyUpdate(lag2, updates.get(0));
        Y.applyUpdate(lag2, Y.encodeStateAsUpdate(a, svAfterFirst));
        assertEquals(json(a), json(lag2));
    }

    @Test
    void badStateVectorIsATypedError() {
        Doc a = new Doc();
        assertThrows(InvalidUpdateException.class, () -> Y.encodeStateAsUpdate(a, new byte[] {5, 1}));
        assertThrows(InvalidUpdateException.class, () -> Y.decodeStateVector(new byte[] {(byte) 0x80}));
    }
}
