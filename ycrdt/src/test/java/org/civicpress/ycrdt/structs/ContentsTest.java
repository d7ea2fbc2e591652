package org.civicpress.ycrdt.structs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.civicpress.ycrdt.utils.ID;
import org.junit.jupiter.api.Test;

/** Content splitting/merging and subdocument options, checked against Yjs 13.6.33 behaviour. */
class ContentsTest {
    static final HexFormat HEX = HexFormat.of();

    @Test
    void contentStringMergesAndSplitsLikeJsStrings() {
        ContentString a = new ContentString("ab");
        for (int i = 0; i < 1000; i++) {
            a.mergeWith(new ContentString("c"));
        }
        assertEquals(1002, a.getLength());
        ContentString right = a.splice(2);
        assertEquals("ab", a.str());
        assertEquals(1000, right.getLength());
        // a surrogate pair split in half: both halves become U+FFFD, lengths unchanged
        ContentString emoji = new ContentString("x\uD83D\uDE00y");
        ContentString r2 = emoji.splice(2);
        assertEquals("x\uFFFD", emoji.str());
        assertEquals("\uFFFDy", r2.str());
        assertEquals(List.of("x", "\uFFFD"), emoji.getContent());
    }

    @Test
    void contentAnyAndDeletedSplitAndMerge() {
        ContentAny any = new ContentAny(new ArrayList<>(List.of(1L, 2L, 3L)));
        ContentAny tail = any.splice(1);
        assertEquals(List.of(1L), any.getContent());
        assertEquals(List.of(2L, 3L), tail.getContent());
        assertTrue(any.mergeWith(tail));
        assertEquals(List.of(1L, 2L, 3L), any.getContent());
        ContentDeleted del = new ContentDeleted(5);
        ContentDeleted delTail = del.splice(2);
        assertEquals(2, del.getLength());
        assertEquals(3, delTail.getLength());
        assertFalse(del.isCountable());
    }

    @Test
    void itemFlagsAreIndependent() {
        Item item = new Item(new ID(1, 0), null, null, null, null, null, null, new ContentString("abc"));
        assertTrue(item.countable());
        assertFalse(item.deleted());
        item.keep(true);
        item.marker(true);
        item.markDeleted();
        assertTrue(item.keep() && item.marker() && item.deleted() && item.countable());
        item.marker(false);
        assertFalse(item.marker());
        assertTrue(item.keep());
        assertEquals(new ID(1, 2), item.lastId());
    }

    @Test
    void subdocumentsKeepGuidAndOptionsLikeYjs() {
        String yjs = "0102030009010161026731760302676379086175746f4c6f616478046d657461760101617d01890300026732760000";
        Doc d = new Doc(DocOptions.defaults().withClientId(3));
        Doc sub = new Doc(DocOptions.defaults()
                .withGuid("g1")
                .withGc(false)
                .withAutoLoad(true)
                .withMeta(Map.of("a", 1L)));
        d.getArray("a").insert(0, List.of(sub, new Doc(DocOptions.defaults().withGuid("g2"))));
        assertEquals(yjs, HEX.formatHex(Y.encodeStateAsUpdate(d)));
        Doc r = new Doc(DocOptions.defaults().withClientId(4));
        Y.applyUpdate(r, HEX.parseHex(yjs));
        Doc s = (Doc) r.getArray("a").get(0);
        assertEquals("g1", s.guid());
        assertFalse(s.gc());
        assertTrue(s.autoLoad);
        assertTrue(s.shouldLoad);
        assertEquals(Map.of("a", 1L), s.meta);
        assertFalse(((Doc) r.getArray("a").get(1)).shouldLoad);
        assertEquals(List.of("g1", "g2"), r.subdocs.stream().map(Doc::guid).toList());
        assertEquals(yjs, HEX.formatHex(Y.encodeStateAsUpdate(r)));
    }
}
