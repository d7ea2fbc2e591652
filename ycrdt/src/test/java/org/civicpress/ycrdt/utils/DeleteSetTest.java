package org.civicpress.ycrdt.utils;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;
import org.junit.jupiter.api.Test;

class DeleteSetTest {
    static DeleteSet ds(long client, long... clockLen) {
        DeleteSet ds = new DeleteSet();
        for (int i = 0; i < clockLen.length; i += 2) {
            DeleteSet.addToDeleteSet(ds, client, clockLen[i], clockLen[i + 1]);
        }
        return ds;
    }

    @Test
    void sortAndMergeJoinsOverlappingAndAdjacentRanges() {
        DeleteSet d = ds(1, 10, 2, 0, 3, 3, 1, 12, 1, 20, 5, 21, 2);
        DeleteSet.sortAndMergeDeleteSet(d);
        assertEquals(List.of(new DeleteItem(0, 4), new DeleteItem(10, 3), new DeleteItem(20, 5)), d.clients.get(1L));
        assertTrue(DeleteSet.isDeleted(d, new ID(1, 3)));
        assertTrue(DeleteSet.isDeleted(d, new ID(1, 24)));
        assertFalse(DeleteSet.isDeleted(d, new ID(1, 4)));
        assertFalse(DeleteSet.isDeleted(d, new ID(2, 0)));
        assertEquals(-1, DeleteSet.findIndexDS(d.clients.get(1L), 25));
        assertEquals(1, DeleteSet.findIndexDS(d.clients.get(1L), 12));
    }

    @Test
    void linearMergeEqualsYjsMerge() {
        Random rnd = new Random(3);
        List<DeleteSet> dss = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            DeleteSet d = new DeleteSet();
            for (int k = 0; k < 5; k++) {
                DeleteSet.addToDeleteSet(d, rnd.nextInt(6), rnd.nextInt(100), 1 + rnd.nextInt(5));
            }
            dss.add(d);
        }
        DeleteSet a = DeleteSet.mergeDeleteSets(dss);
        DeleteSet b = Updates.mergeDeleteSetsLinear(dss);
        assertTrue(DeleteSet.equalDeleteSets(a, b));
        assertEquals(new ArrayList<>(a.clients.keySet()), new ArrayList<>(b.clients.keySet()));
    }

    @Test
    void roundTripV1AndV2() {
        DeleteSet d = ds(7, 0, 3, 10, 1);
        DeleteSet.addToDeleteSet(d, 99, 5, 5);
        for (boolean v2 : new boolean[] {false, true}) {
            DSEncoder enc = v2 ? new DSEncoderV2() : new DSEncoderV1();
            DeleteSet.writeDeleteSet(enc, d);
            byte[] bytes = enc.toUint8Array();
            Decoder dec = new Decoder(bytes);
            DeleteSet back = DeleteSet.readDeleteSet(v2 ? new DSDecoderV2(dec) : new DSDecoderV1(dec));
            assertTrue(DeleteSet.equalDeleteSets(d, back));
            assertFalse(dec.hasContent());
            // written in descending client order, as Yjs does
            assertEquals(99, new Decoder(bytes, 1, bytes.length).readVarUint());
        }
    }

    @Test
    void rangesPast2Pow53AreRejected() {
        Encoder e = new Encoder();
        e.writeVarUint(1);
        e.writeVarUint(1);
        e.writeVarUint(1);
        e.writeVarUint((1L << 53) - 5);
        e.writeVarUint(10);
        assertThrows(
                InvalidUpdateException.class,
                () -> DeleteSet.readDeleteSet(new DSDecoderV1(new Decoder(e.toUint8Array()))));
    }
}
