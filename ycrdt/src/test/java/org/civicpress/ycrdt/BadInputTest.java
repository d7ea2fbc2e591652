package org.civicpress.ycrdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.UpdateEncoderV2;
import org.civicpress.ycrdt.utils.Updates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile updates: each is rejected with InvalidUpdateException in bounded time, and the document
 * (its encoded state, state vector, pending structs and delete sets, JSON) is exactly as before.
 */
class BadInputTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    static byte[] realV1;
    static byte[] realV2;

    /** A merged update produced by real Yjs from three concurrent editors (text, map, array, xml). */
    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        try (var in = BadInputTest.class.getResourceAsStream("/org/civicpress/ycrdt/utils/updates-vectors.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                Map<String, Object> c = (Map<String, Object>) Json.parse(line);
                if (c.get("name").equals("three-clients-1")) {
                    realV1 = HexFormat.of().parseHex((String) c.get("merged"));
                    realV2 = HexFormat.of().parseHex((String) c.get("mergedV2"));
                }
            }
        }
    }

    /** Everything observable about a document. */
    record State(String update, String sv, String json, boolean pending) {
        static State of(Doc doc) {
            return new State(
                    HexFormat.of().formatHex(Y.encodeStateAsUpdate(doc)),
                    HexFormat.of().formatHex(Y.encodeStateVector(doc)),
                    doc.toJSONString(),
                    doc.hasPending());
        }
    }

    static Doc docWithContent() {
        Doc doc = new Doc();
        Y.applyUpdate(doc, realV1);
        return doc;
    }

    /** Asserts the update is rejected, quickly, by an empty doc and a doc with content, leaving both unchanged. */
    static void rejected(byte[] update, boolean v2) {
        for (Doc doc : List.of(new Doc(), docWithContent())) {
            State before = State.of(doc);
            assertTimeoutPreemptively(LIMIT, () -> {
                assertThrows(InvalidUpdateException.class, () -> apply(doc, update, v2));
            });
            assertEquals(before, State.of(doc));
        }
    }

    static void apply(Doc doc, byte[] update, boolean v2) {
        if (v2) {
            Y.applyUpdateV2(doc, update, null);
        } else {
            Y.applyUpdate(doc, update);
        }
    }

    /** V1 update: one client, one struct, built by {@code struct}; then an empty delete set. */
    static byte[] v1(long client, long clock, Consumer<Encoder> struct) {
        Encoder e = new Encoder();
        e.writeVarUint(1);
        e.writeVarUint(1);
        e.writeVarUint(client);
        e.writeVarUint(clock);
        struct.accept(e);
        e.writeVarUint(0);
        return e.toUint8Array();
    }

    /** Root-level item header: content ref, no origins, parent = root type "t". */
    static Consumer<Encoder> rootItem(int ref, Consumer<Encoder> content) {
        return e -> {
            e.writeUint8(ref);
            e.writeVarUint(1);
            e.writeVarString("t");
            content.accept(e);
        };
    }

    @Test
    void sanity() {
        Doc doc = new Doc();
        Y.applyUpdate(doc, v1(1, 0, rootItem(4, e -> e.writeVarString("ok"))));
        assertEquals(
                "{\"t\":\"ok\"}", Json.stringify(Map.of("t", doc.getText("t").toString())));
    }

    @Test
    void lengthsPastTheEnd() {
        rejected(
                v1(1, 0, rootItem(4, e -> {
                    e.writeVarUint(100); // string of 100 bytes
                    e.writeUint8Array("ab".getBytes(StandardCharsets.UTF_8));
                })),
                false);
        rejected(v1(1, 0, rootItem(3, e -> e.writeVarUint(50))), false); // binary past the end
        rejected(
                v1(1, 0, rootItem(8, e -> {
                    e.writeVarUint(3); // three Any values, one present
                    e.writeAny(1L);
                })),
                false);
    }

    @Test
    void varintsOver53Bits() {
        Encoder e = new Encoder();
        e.writeVarUint(1);
        e.writeVarUint(1);
        e.writeUint8Array(HexFormat.of().parseHex("ffffffffffffffff7f")); // client of 63 bits
        e.writeVarUint(0);
        e.writeUint8(4);
        e.writeVarUint(1);
        e.writeVarString("t");
        e.writeVarString("x");
        e.writeVarUint(0);
        rejected(e.toUint8Array(), false);
    }

    @Test
    void absurdClocks() {
        long max = (1L << 53) - 1;
        rejected(v1(1, max - 1, rootItem(4, e -> e.writeVarString("abc"))), false); // clock + len > 2^53
        rejected(
                v1(1, 0, e -> {
                    e.writeUint8(0); // GC
                    e.writeVarUint(max); // of length 2^53 - 1 ...
                }),
                false);
        Encoder ds = new Encoder();
        ds.writeVarUint(0); // no structs
        ds.writeVarUint(1);
        ds.writeVarUint(7);
        ds.writeVarUint(1);
        ds.writeVarUint(max - 2);
        ds.writeVarUint(10); // delete range past 2^53
        rejected(ds.toUint8Array(), false);
    }

    @Test
    void deepNesting() {
        int depth = 100_000;
        byte[] nestedAny = new byte[2 * depth + 1];
        for (int i = 0; i < depth; i++) {
            nestedAny[2 * i] = 117;
            nestedAny[2 * i + 1] = 1;
        }
        nestedAny[2 * depth] = 126;
        rejected(
                v1(1, 0, rootItem(8, e -> {
                    e.writeVarUint(1);
                    e.writeUint8Array(nestedAny);
                })),
                false);
        String deepJson = "[".repeat(depth) + "]".repeat(depth);
        rejected(
                v1(1, 0, rootItem(2, e -> {
                    e.writeVarUint(1);
                    e.writeVarString(deepJson);
                })),
                false);
        rejected(v1(1, 0, rootItem(5, e -> e.writeVarString(deepJson))), false); // embed
    }

    @Test
    void hugeDeclaredSizes() {
        long huge = 1L << 40;
        rejected(v1(1, 0, rootItem(4, e -> e.writeVarUint(huge))), false); // 2^40-byte string
        rejected(v1(1, 0, rootItem(3, e -> e.writeVarUint(huge))), false); // binary
        rejected(v1(1, 0, rootItem(8, e -> e.writeVarUint(huge))), false); // Any count
        rejected(v1(1, 0, rootItem(2, e -> e.writeVarUint(huge))), false); // JSON count
        rejected(
                v1(1, 0, e -> {
                    e.writeUint8(1 | 0x80); // ContentDeleted with an origin
                    e.writeVarUint(1);
                    e.writeVarUint(0);
                    e.writeVarUint(huge * 4096);
                }),
                false);
        Encoder e = new Encoder();
        e.writeVarUint(huge); // clients
        e.writeVarUint(huge); // structs
        e.writeVarUint(1);
        e.writeVarUint(0);
        rejected(e.toUint8Array(), false);
    }

    /** V2 update with one root-level item of content ref 5 (embed) or 6 (format) carrying {@code value}. */
    static byte[] v2JsonItem(int ref, Object value) {
        UpdateEncoderV2 enc = new UpdateEncoderV2();
        enc.restEncoder.writeVarUint(1);
        enc.restEncoder.writeVarUint(1);
        enc.writeClient(1);
        enc.restEncoder.writeVarUint(0);
        enc.writeInfo(ref);
        enc.writeParentInfo(true);
        enc.writeString("t");
        if (ref == 6) {
            enc.writeKey("bold");
        }
        enc.writeJSON(value);
        enc.restEncoder.writeVarUint(0);
        return enc.toUint8Array();
    }

    @Test
    void v2JsonValuesThatV1CannotCarry() {
        Doc ok = new Doc();
        Y.applyUpdateV2(ok, v2JsonItem(5, Map.of("img", "x.png")), null);
        assertEquals(1, ok.getText("t").toDelta().size());
        rejected(v2JsonItem(5, Undefined.INSTANCE), true); // T's seed-98 finding: embed of undefined
        rejected(v2JsonItem(5, Map.of("n", BigInteger.TEN)), true);
        rejected(v2JsonItem(6, Undefined.INSTANCE), true);
        rejected(v2JsonItem(6, List.of(BigInteger.ONE)), true);
    }

    @Test
    void truncatedAtEveryByteV1() {
        for (int len = 0; len < realV1.length; len++) {
            rejected(Arrays.copyOf(realV1, len), false);
        }
    }

    @Test
    void truncatedAtEveryByteV2() {
        for (int len = 0; len < realV2.length; len++) {
            rejected(Arrays.copyOf(realV2, len), true);
        }
    }

    @Test
    void truncatedUpdatesAreAlsoRejectedByUpdateUtilities() {
        for (int len = 0; len < realV1.length; len += 7) {
            byte[] cut = Arrays.copyOf(realV1, len);
            assertThrows(InvalidUpdateException.class, () -> Updates.mergeUpdates(List.of(cut, realV1)));
            assertThrows(InvalidUpdateException.class, () -> Updates.encodeStateVectorFromUpdate(cut));
            assertThrows(InvalidUpdateException.class, () -> Updates.convertUpdateFormatV1ToV2(cut));
            assertThrows(InvalidUpdateException.class, () -> Updates.diffUpdate(cut, new byte[] {0}));
        }
    }

    @Test
    void randomGarbage() {
        Random rnd = new Random(20261123);
        assertTimeoutPreemptively(LIMIT, () -> {
            for (int i = 0; i < 3000; i++) {
                byte[] garbage = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(garbage);
                boolean v2 = rnd.nextBoolean();
                Doc doc = docWithContent();
                State before = State.of(doc);
                try {
                    apply(doc, garbage, v2);
                } catch (InvalidUpdateException e) {
                    assertEquals(
                            before, State.of(doc), "garbage " + HexFormat.of().formatHex(garbage));
                }
            }
        });
    }
}
