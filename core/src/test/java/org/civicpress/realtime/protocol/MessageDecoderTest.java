package org.civicpress.realtime.protocol;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageDecoderTest {

    @Test
    void decodesYProtocolsSyncStep1() {
        YMessage m = MessageDecoder.decode(FRAME_STEP1_A);
        YMessage.SyncStep1 step1 = assertInstanceOf(YMessage.SyncStep1.class, m);
        assertArrayEquals(hex("01010b"), step1.stateVector());
    }

    @Test
    void decodesYProtocolsUpdate() {
        YMessage.SyncUpdate u = assertInstanceOf(YMessage.SyncUpdate.class, MessageDecoder.decode(FRAME_UPDATE_U1));
        assertArrayEquals(U1, u.update());
    }

    @Test
    void encodersProduceTheBytesYProtocolsProduces() {
        assertArrayEquals(FRAME_STEP1_A, SyncProtocol.encodeSyncStep1(hex("01010b")));
        assertArrayEquals(FRAME_UPDATE_U1, SyncProtocol.encodeUpdate(U1));
        YMessage.SyncStep2 step2 =
                assertInstanceOf(YMessage.SyncStep2.class, MessageDecoder.decode(SyncProtocol.encodeSyncStep2(U2)));
        assertArrayEquals(U2, step2.update());
    }

    @Test
    void decodesAwarenessLikeYProtocols() {
        List<AwarenessProtocol.Entry> entries = AwarenessProtocol.decodeUpdate(AWARENESS_7);
        assertEquals(List.of(new AwarenessProtocol.Entry(7, 1, "{\"user\":{\"name\":\"a\"}}")), entries);
        assertArrayEquals(AWARENESS_7, AwarenessProtocol.encodeUpdate(entries));
        List<AwarenessProtocol.Entry> removed = AwarenessProtocol.decodeUpdate(AWARENESS_7_NULL);
        assertTrue(removed.get(0).isRemoval());
        assertEquals(2, removed.get(0).clock());

        YMessage.Awareness m = assertInstanceOf(
                YMessage.Awareness.class, MessageDecoder.decode(AwarenessProtocol.wrapUpdate(AWARENESS_7)));
        assertEquals(entries, m.entries());
        assertArrayEquals(AWARENESS_7, m.update());
    }

    @Test
    void decodesQueryAndAuth() {
        assertInstanceOf(YMessage.QueryAwareness.class, MessageDecoder.decode(AwarenessProtocol.encodeQuery()));
        YMessage.Auth auth = assertInstanceOf(YMessage.Auth.class, MessageDecoder.decode(hex("0200026e6f")));
        assertEquals(0, auth.authType());
        assertEquals("no", auth.reason());
    }

    @Test
    void rejectsBadFramesWithTypedError() {
        for (String bad :
                List.of("", "09", "0005", "00", "0000", "000205ffff", "01", "0105", "0180", "ffffffffffffffffff7f")) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> MessageDecoder.decode(hex(bad)), bad);
            assertEquals(4400, e.closeCode());
            assertNotNull(e.getMessage());
        }
    }

    @Test
    void rejectsAwarenessWithBrokenJsonOrAbsurdCount() {
        // one entry whose state is the text "{nope"
        byte[] brokenJson = hex("0107010" + "5" + "7b6e6f7065");
        assertThrows(ProtocolException.class, () -> AwarenessProtocol.decodeUpdate(brokenJson));
        // declares 2^28 entries in a few bytes: rejected before allocating
        assertThrows(ProtocolException.class, () -> AwarenessProtocol.decodeUpdate(hex("8080808001070100")));
    }
}
