package org.civicpress.ycrdt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.types.YArray;
import org.civicpress.ycrdt.types.YMap;
import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.types.YXmlElement;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/**
 * Mutated updates (V1 and V2) built from a document using every content kind: each one either
 * applies (and the doc stays consistent and encodable) or throws InvalidUpdateException with the
 * doc unchanged. Deterministic seeds.
 */
class MutationFuzzTest {
    static final HexFormat HEX = HexFormat.of();

    /** Two replicas with concurrent edits of all content kinds; returns their updates in order. */
    static List<byte[]> richUpdates(boolean v2) {
        List<byte[]> ups = new ArrayList<>();
        Doc a = new Doc(DocOptions.defaults().withClientId(101));
        Doc b = new Doc(DocOptions.defaults().withClientId(202));
        if (v2) {
            a.onUpdateV2((u, o, tr) -> ups.add(u));
            b.onUpdateV2((u, o, tr) -> ups.add(u));
        } else {
            a.onUpdate((u, o, tr) -> ups.add(u));
            b.onUpdate((u, o, tr) -> ups.add(u));
        }
        YText t = a.getText("text");
        t.insert(0, "hello world \uD83D\uDE00!");
        Map<String, Object> bold = new LinkedHashMap<>();
        bold.put("bold", true);
        t.format(0, 5, bold);
        t.insertEmbed(3, Map.of("image", "x.png"));
        YMap m = a.getMap("map");
        m.set("n", 1L);
        m.set("s", "str");
        m.set("bin", new byte[] {1, 2, 3});
        YArray nested = new YArray();
        m.set("arr", nested);
        nested.insert(0, List.of(1L, "two", 3.5));
        YXmlElement el = new YXmlElement("p");
        a.getXmlFragment("xml").insert(0, List.of(el));
        el.setAttribute("class", "c");
        a.getArray("array").insert(0, List.of(new Doc(DocOptions.defaults().withGuid("sub-1"))));
        for (byte[] u : List.copyOf(ups)) {
            if (v2) {
                Y.applyUpdateV2(b, u, null);
            } else {
                Y.applyUpdate(b, u);
            }
        }
        ups.clear();
        // concurrent edits
        a.getText("text").insert(2, "AA");
        b.getText("text").insert(2, "BB");
        b.getText("text").delete(6, 3);
        ((YMap) b.getMap("map")).delete("s");
        a.getMap("map").set("n", 2L);
        nested.delete(0, 1);
        b.getArray("array").delete(0, 1);
        ups.add(v2 ? Y.encodeStateAsUpdateV2(a) : Y.encodeStateAsUpdate(a));
        return ups;
    }

    static void apply(Doc d, byte[] u, boolean v2) {
        if (v2) {
            Y.applyUpdateV2(d, u, null);
        } else {
            Y.applyUpdate(d, u);
        }
    }

    static void fuzz(boolean v2, long seed, int rounds) {
        List<byte[]> seeds = richUpdates(v2);
        Random rnd = new Random(seed);
        for (int i = 0; i < rounds; i++) {
            Doc d = new Doc(DocOptions.defaults().withClientId(303));
            // a prefix of the real history, so mutations meet existing and pending state
            int prefix = rnd.nextInt(seeds.size());
            for (int k = 0; k < prefix; k++) {
                apply(d, seeds.get(k), v2);
            }
            byte[] u = seeds.get(rnd.nextInt(seeds.size())).clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = rnd.nextInt(u.length);
                u[at] = rnd.nextBoolean() ? (byte) rnd.nextInt(256) : (byte) (u[at] ^ (1 << rnd.nextInt(8)));
            }
            byte[] before = Y.encodeStateAsUpdateV2(d, null);
            String json = d.toJSONString();
            try {
                apply(d, u, v2);
                d.store.integrityCheck();
                Y.encodeStateAsUpdate(d);
                d.toJSONString();
            } catch (InvalidUpdateException ex) {
                assertEquals(HEX.formatHex(before), HEX.formatHex(Y.encodeStateAsUpdateV2(d, null)), "mutation " + i);
                assertEquals(json, d.toJSONString());
            } catch (RuntimeException | StackOverflowError ex) {
                fail((v2 ? "v2" : "v1") + " mutation " + i + " (" + HEX.formatHex(u) + ") threw " + ex, ex);
            }
        }
    }

    @Test
    void v1Mutations() {
        fuzz(false, 42, 1500);
    }

    @Test
    void v2Mutations() {
        fuzz(true, 43, 1500);
    }
}
