package org.civicpress.ycrdt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/** Update listeners and observers fire once per transaction, with the transaction's update and origin. */
class TransactionEventsTest {
    static final HexFormat HEX = HexFormat.of();

    record Event(byte[] update, Object origin) {}

    static Doc doc(long client) {
        return new Doc(DocOptions.defaults().withClientId(client));
    }

    @Test
    void oneUpdatePerTransactionWithOrigin() {
        Doc d = doc(1);
        List<Event> v1 = new ArrayList<>();
        List<Event> v2 = new ArrayList<>();
        List<Object> after = new ArrayList<>();
        d.onUpdate((u, origin, tr) -> v1.add(new Event(u, origin)));
        d.onUpdateV2((u, origin, tr) -> v2.add(new Event(u, origin)));
        d.onAfterTransaction(tr -> after.add(tr.origin));
        Object origin = new Object();
        var t = d.getText("t");
        int[] observed = {0};
        t.observe((e, tr) -> observed[0]++);
        d.transact(
                tr -> {
                    t.insert(0, "hello");
                    t.insert(5, " world");
                    t.delete(0, 1);
                    return null;
                },
                origin);
        assertEquals(1, v1.size());
        assertEquals(1, v2.size());
        assertEquals(1, observed[0]);
        assertSame(origin, v1.get(0).origin());
        assertSame(origin, v2.get(0).origin());
        assertEquals(List.of(origin), after);
        // the transaction's update is exactly Yjs's (client 1 types "hello world" and deletes "h" in one go)
        Doc other = doc(2);
        Y.applyUpdate(other, v1.get(0).update());
        assertEquals("ello world", other.getText("t").toString());
        Doc otherV2 = doc(3);
        Y.applyUpdateV2(otherV2, v2.get(0).update(), null);
        assertEquals("ello world", otherV2.getText("t").toString());
        assertArrayEquals(
                Y.convertUpdateFormatV1ToV2(v1.get(0).update()), v2.get(0).update());
    }

    @Test
    void emptyTransactionsEmitNoUpdate() {
        Doc d = doc(1);
        List<Event> v1 = new ArrayList<>();
        d.onUpdate((u, origin, tr) -> v1.add(new Event(u, origin)));
        int[] afterCount = {0};
        d.onAfterTransaction(tr -> afterCount[0]++);
        d.transact(tr -> {});
        assertEquals(0, v1.size());
        assertEquals(1, afterCount[0]);
    }

    @Test
    void remoteUpdatesCarryTheirOriginAndAreReEmittedIdentically() {
        Doc a = doc(1);
        List<byte[]> fromA = new ArrayList<>();
        a.onUpdate((u, o, tr) -> fromA.add(u));
        a.getText("t").insert(0, "abc");
        Doc b = doc(2);
        List<Event> fromB = new ArrayList<>();
        b.onUpdate((u, o, tr) -> fromB.add(new Event(u, o)));
        Y.applyUpdate(b, fromA.get(0), "remote");
        assertEquals(1, fromB.size());
        assertEquals("remote", fromB.get(0).origin());
        assertEquals(HEX.formatHex(fromA.get(0)), HEX.formatHex(fromB.get(0).update()));
    }

    @Test
    void unsubscribeStopsEvents() {
        Doc d = doc(1);
        int[] n = {0};
        Runnable off = d.onUpdate((u, o, tr) -> n[0]++);
        d.getText("t").insert(0, "a");
        off.run();
        d.getText("t").insert(0, "b");
        assertEquals(1, n[0]);
    }

    @Test
    void listenerThatThrowsDoesNotBreakOthersOrTheDoc() {
        Doc d = doc(1);
        int[] n = {0};
        Runnable offBad = d.onUpdate((u, o, tr) -> {
            throw new IllegalStateException("boom");
        });
        d.onUpdate((u, o, tr) -> n[0]++);
        try {
            d.getText("t").insert(0, "a");
        } catch (IllegalStateException expected) {
            // surfaced after all listeners ran
        }
        assertEquals(1, n[0]);
        offBad.run();
        d.getText("t").insert(1, "b");
        assertEquals("ab", d.getText("t").toString());
    }

    @Test
    void newClientIdWhenARemoteUsesOurs() {
        Doc a = doc(1);
        a.getText("t").insert(0, "x");
        Doc b = doc(1);
        Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
        // like Yjs: b noticed another writer with its client id and picked a new one
        org.junit.jupiter.api.Assertions.assertNotEquals(1L, b.clientID());
        b.getText("t").insert(1, "y");
        Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
        assertEquals("xy", a.getText("t").toString());
    }

    @Test
    void deepObserversGetAllEventsOfATransactionOnceWithPaths() {
        Doc d = doc(1);
        var root = d.getMap("root");
        var inner = new org.civicpress.ycrdt.types.YMap();
        root.set("inner", inner);
        var list = new org.civicpress.ycrdt.types.YArray();
        inner.set("list", list);
        List<List<Object>> paths = new ArrayList<>();
        int[] calls = {0};
        root.observeDeep((events, tr) -> {
            calls[0]++;
            for (var e : events) {
                paths.add(e.path());
            }
        });
        d.transact(tr -> {
            root.set("x", 1L);
            inner.set("y", 2L);
            list.insert(0, List.of("a"));
        });
        assertEquals(1, calls[0]);
        // sorted by path length: root first
        assertEquals(List.of(List.of(), List.of("inner"), List.of("inner", "list")), paths);
    }
}
