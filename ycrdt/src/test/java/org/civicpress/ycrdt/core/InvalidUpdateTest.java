package org.civicpress.ycrdt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/** A bad update throws InvalidUpdateException and leaves the document (and its pending state) as it was. */
class InvalidUpdateTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] FULL = EncodingYjsFixturesTest.fullBytes();

    /** Everything observable about a doc: full state (incl. pending), state vector, JSON. */
    record Snapshot(byte[] state, byte[] sv, String json, boolean pending) {
        static Snapshot of(Doc d) {
            return new Snapshot(Y.encodeStateAsUpdate(d), Y.encodeStateVector(d), d.toJSONString(), d.hasPending());
        }

        void assertSame(Snapshot o) {
            assertArrayEquals(state, o.state);
            assertArrayEquals(sv, o.sv);
            assertEquals(json, o.json);
            assertEquals(pending, o.pending);
        }
    }

    /** A doc with content and pending structs and deletes (client 5's updates 2..4 of PendingAndStateTest). */
    static Doc docWithPending() {
        Doc d = new Doc(DocOptions.defaults().withClientId(42));
        Y.applyUpdate(d, FULL);
        Y.applyUpdate(d, PendingAndStateTest.UPS[2]);
        Y.applyUpdate(d, PendingAndStateTest.UPS[3]);
        d.getText("t");
        d.getMap("m");
        d.getArray("a");
        return d;
    }

    static void assertRejected(byte[] update) {
        Doc d = docWithPending();
        Snapshot before = Snapshot.of(d);
        int[] events = {0};
        d.onUpdate((u, o, tr) -> events[0]++);
        assertThrows(InvalidUpdateException.class, () -> Y.applyUpdate(d, update));
        Snapshot.of(d).assertSame(before);
        assertEquals(0, events[0]);
    }

    /** V1 update with one client section holding one item built by `item`. */
    static byte[] oneItem(long client, long clock, java.util.function.Consumer<Encoder> item) {
        Encoder e = new Encoder();
        e.writeVarUint(1); // one client
        e.writeVarUint(1); // one struct
        e.writeVarUint(client);
        e.writeVarUint(clock);
        item.accept(e);
        e.writeVarUint(0); // empty delete set
        return e.toUint8Array();
    }

    @Test
    void everyTruncationIsRejected() {
        for (int len = 0; len < FULL.length; len++) {
            assertRejected(Arrays.copyOf(FULL, len));
        }
    }

    @Test
    void unknownContentRefIsRejected() {
        for (int ref = 11; ref < 32; ref++) {
            int info = ref;
            assertRejected(oneItem(77, 0, e -> {
                e.writeUint8(info);
                e.writeVarUint(1); // parent info: ykey
                e.writeVarString("t");
                e.writeVarUint(1);
            }));
        }
    }

    @Test
    void unknownTypeRefIsRejected() {
        assertRejected(oneItem(77, 0, e -> {
            e.writeUint8(7); // ContentType
            e.writeVarUint(1);
            e.writeVarString("t");
            e.writeVarUint(9); // type ref 9 does not exist
        }));
    }

    @Test
    void zeroLengthStructsAreRejected() {
        assertRejected(oneItem(77, 0, e -> {
            e.writeUint8(4); // ContentString ""
            e.writeVarUint(1);
            e.writeVarString("t");
            e.writeVarString("");
        }));
        assertRejected(oneItem(77, 0, e -> {
            e.writeUint8(0); // GC of length 0
            e.writeVarUint(0);
        }));
    }

    @Test
    void referencesToOwnFutureClocksAreRejected() {
        // origin 77:5 on struct 77:3 could never exist before it
        assertRejected(oneItem(77, 3, e -> {
            e.writeUint8(0x80 | 4);
            e.writeVarUint(77);
            e.writeVarUint(5);
            e.writeVarString("x");
        }));
        // parent is the item itself
        assertRejected(oneItem(77, 0, e -> {
            e.writeUint8(4);
            e.writeVarUint(0); // parent is an ID
            e.writeVarUint(77);
            e.writeVarUint(0);
            e.writeVarString("x");
        }));
    }

    @Test
    void clockOverflowIsRejected() {
        assertRejected(oneItem(77, (1L << 53) - 2, e -> {
            e.writeUint8(4);
            e.writeVarUint(1);
            e.writeVarString("t");
            e.writeVarString("abc");
        }));
    }

    @Test
    void absurdStructCountIsRejectedWithoutAllocating() {
        Encoder e = new Encoder();
        e.writeVarUint(1);
        e.writeVarUint(1L << 40); // structs declared
        e.writeVarUint(77);
        e.writeVarUint(0);
        assertRejected(e.toUint8Array());
        byte[] v2 = HEX.parseHex("0000000000000000000000000001ff" + "ffffffffff0f");
        Doc d = docWithPending();
        Snapshot before = Snapshot.of(d);
        assertThrows(InvalidUpdateException.class, () -> Y.applyUpdateV2(d, v2, null));
        Snapshot.of(d).assertSame(before);
    }

    @Test
    void invalidJsonContentIsRejected() {
        assertRejected(oneItem(77, 0, e -> {
            e.writeUint8(2); // ContentJSON
            e.writeVarUint(1);
            e.writeVarString("t");
            e.writeVarUint(1);
            e.writeVarString("{not json");
        }));
    }

    @Test
    void randomMutationsEitherApplyOrLeaveTheDocUnchanged() {
        Random rnd = new Random(1234);
        byte[][] seeds = {FULL, PendingAndStateTest.UPS[0], PendingAndStateTest.UPS[2], PendingAndStateTest.UPS[3]};
        for (int i = 0; i < 3000; i++) {
            byte[] u = seeds[i % seeds.length].clone();
            int flips = 1 + rnd.nextInt(3);
            for (int f = 0; f < flips; f++) {
                u[rnd.nextInt(u.length)] = (byte) rnd.nextInt(256);
            }
            Doc d = docWithPending();
            Snapshot before = Snapshot.of(d);
            try {
                Y.applyUpdate(d, u);
                d.store.integrityCheck();
                Snapshot.of(d); // still encodable
            } catch (InvalidUpdateException ex) {
                Snapshot.of(d).assertSame(before);
            } catch (RuntimeException | StackOverflowError ex) {
                fail("mutation " + i + " (" + HEX.formatHex(u) + ") threw " + ex, ex);
            }
        }
    }
}
