package org.civicpress.ycrdt.lib0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.HexFormat;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.junit.jupiter.api.Test;

/** Every read is bounds-checked and every declared size is checked before allocating. */
class DecoderBoundsTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    private static void bad(String hex, java.util.function.Consumer<Decoder> read) {
        assertThrows(InvalidUpdateException.class, () -> read.accept(new Decoder(hex(hex))));
    }

    @Test
    void truncationThrows() {
        bad("", Decoder::readUint8);
        bad("80", Decoder::readVarUint);
        bad("ffff", Decoder::readVarUint);
        bad("c0", Decoder::readVarInt);
        bad("0161", d -> d.readUint8Array(3));
        bad("05616263", Decoder::readVarString);
        bad("0102", Decoder::readFloat32);
        bad("01020304050607", Decoder::readFloat64);
        bad("7a00", Decoder::readAny);
    }

    @Test
    void numbersBeyond53BitsAreRejected() {
        Encoder e = new Encoder();
        e.writeVarUint(Limits.MAX_SAFE_INTEGER);
        assertEquals(Limits.MAX_SAFE_INTEGER, new Decoder(e.toUint8Array()).readVarUint());
        bad("8080808080808080808001", Decoder::readVarUint); // 2^70
        bad("ffffffffffffff7f", Decoder::readVarUint); // 2^56-1: lib0 would return an imprecise number
        bad("ffffffffffffff7f", Decoder::readVarInt);
        // overlong zero is harmless and accepted, as in lib0
        assertEquals(0, new Decoder(hex("808000")).readVarUint());
    }

    @Test
    void hugeDeclaredLengthsFailWithoutAllocating() {
        Encoder e = new Encoder();
        e.writeVarUint(1L << 40);
        e.writeUint8(0x61);
        byte[] b = e.toUint8Array();
        assertThrows(InvalidUpdateException.class, () -> new Decoder(b).readVarString());
        assertThrows(InvalidUpdateException.class, () -> new Decoder(b).readVarUint8Array());
        Encoder arr = new Encoder();
        arr.writeUint8(117);
        arr.writeVarUint(1L << 40);
        assertThrows(InvalidUpdateException.class, () -> new Decoder(arr.toUint8Array()).readAny());
        Encoder obj = new Encoder();
        obj.writeUint8(118);
        obj.writeVarUint(Integer.MAX_VALUE);
        assertThrows(InvalidUpdateException.class, () -> new Decoder(obj.toUint8Array()).readAny());
    }

    @Test
    void deepAnyNestingIsRejected() {
        byte[] deep = new byte[200_001];
        for (int i = 0; i < 100_000; i++) {
            deep[2 * i] = 117; // array
            deep[2 * i + 1] = 1; // of one element
        }
        deep[200_000] = 126;
        assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThrows(InvalidUpdateException.class, () -> new Decoder(deep).readAny()));
    }

    @Test
    void malformedUtf8IsRejectedLikeAFatalTextDecoder() {
        bad("01ff", Decoder::readVarString);
        bad("02c0af", Decoder::readVarString); // overlong
        bad("03eda080", Decoder::readVarString); // encoded surrogate
        bad("04f4908080", Decoder::readVarString); // > U+10FFFF
        bad("02e282", Decoder::readVarString); // truncated sequence
        assertEquals("\ufeffa", new Decoder(hex("04efbbbf61")).readVarString()); // BOM kept
    }

    @Test
    void unknownAnyTypeIsRejected() {
        bad("00", Decoder::readAny);
        bad("73", Decoder::readAny);
    }

    @Test
    void windowsDoNotReadPastTheirEnd() {
        Decoder d = new Decoder(hex("0201020304"));
        Decoder w = d.readVarUint8ArrayAsDecoder();
        assertEquals(1, w.readUint8());
        assertEquals(2, w.readUint8());
        assertThrows(InvalidUpdateException.class, w::readUint8);
        assertEquals(3, d.readUint8());
    }
}
