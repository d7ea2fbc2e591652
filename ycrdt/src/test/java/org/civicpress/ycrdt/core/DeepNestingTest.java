package org.civicpress.ycrdt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.structs.GC;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/** Integrating, deleting and collecting deeply nested types uses loops, not the Java stack. */
class DeepNestingTest {
    static final int DEPTH = 50_000;

    /** Map nested DEPTH deep: item i is a YMap under key "k" of item i-1; item 0 under root map "root". */
    static byte[] nestedMaps() {
        Encoder e = new Encoder();
        e.writeVarUint(1);
        e.writeVarUint(DEPTH);
        e.writeVarUint(1); // client
        e.writeVarUint(0); // clock
        for (int i = 0; i < DEPTH; i++) {
            e.writeUint8(0x20 | 7); // parentSub + ContentType
            if (i == 0) {
                e.writeVarUint(1);
                e.writeVarString("root");
            } else {
                e.writeVarUint(0);
                e.writeVarUint(1);
                e.writeVarUint(i - 1);
            }
            e.writeVarString("k");
            e.writeVarUint(1); // YMap
        }
        e.writeVarUint(0);
        return e.toUint8Array();
    }

    static byte[] deleteFirst() {
        Encoder e = new Encoder();
        e.writeVarUint(0); // no structs
        e.writeVarUint(1);
        e.writeVarUint(1);
        e.writeVarUint(1);
        e.writeVarUint(0);
        e.writeVarUint(1);
        return e.toUint8Array();
    }

    @Test
    void deepStructuresIntegrateDeleteAndCollect() {
        Doc d = new Doc(DocOptions.defaults().withClientId(2));
        Y.applyUpdate(d, nestedMaps());
        assertEquals(DEPTH, d.store.getState(1));
        Y.applyUpdate(d, deleteFirst());
        assertFalse(d.hasPending());
        // the top item keeps ContentDeleted, everything below became one merged GC
        var structs = d.store.clients.get(1L);
        assertEquals(2, structs.size());
        assertEquals(GC.class, structs.get(1).getClass());
        Doc copy = new Doc(DocOptions.defaults().withClientId(3));
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(d));
        assertEquals(DEPTH, copy.store.getState(1));
    }
}
