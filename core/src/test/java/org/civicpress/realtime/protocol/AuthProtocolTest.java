package org.civicpress.realtime.protocol;

import static org.civicpress.realtime.protocol.YjsFixtures.FRAME_UPDATE_U1;
import static org.civicpress.realtime.protocol.YjsFixtures.U1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The permission-denied message y-websocket understands, and which frames a read-only connection may not send. */
class AuthProtocolTest {

    @Test
    void permissionDeniedIsMessageAuthTypeZeroWithTheReason() {
        byte[] frame = AuthProtocol.encodePermissionDenied("the token has expired");
        assertEquals(2, frame[0]);
        assertEquals(0, frame[1]);
        YMessage.Auth auth = assertInstanceOf(YMessage.Auth.class, MessageDecoder.decode(frame));
        assertEquals(AuthProtocol.PERMISSION_DENIED, auth.authType());
        assertEquals("the token has expired", auth.reason());
        assertArrayEquals(new byte[] {2, 0, 0}, AuthProtocol.encodePermissionDenied(null));
    }

    @Test
    void onlyUpdatesAndSyncStep2WithContentMayChangeTheDocument() {
        assertTrue(SyncProtocol.mayChangeDocument(FRAME_UPDATE_U1));
        assertTrue(
                SyncProtocol.mayChangeDocument(SyncProtocol.encodeUpdate(new byte[] {0, 0})),
                "every Update counts, even an empty one");
        assertTrue(SyncProtocol.mayChangeDocument(SyncProtocol.encodeSyncStep2(U1)));
        assertFalse(SyncProtocol.mayChangeDocument(SyncProtocol.encodeSyncStep2(new byte[] {0, 0})));
        assertFalse(SyncProtocol.mayChangeDocument(SyncProtocol.encodeSyncStep1(new byte[] {0})));
        assertFalse(SyncProtocol.mayChangeDocument(AwarenessProtocol.encodeMessage(List.of())));
        assertFalse(SyncProtocol.mayChangeDocument(AuthProtocol.encodePermissionDenied("x")));
        // Undecodable: left to the room, whose decoder closes the sender with 4400.
        assertFalse(SyncProtocol.mayChangeDocument(new byte[] {0, 1, 9, 0}));
        assertFalse(SyncProtocol.mayChangeDocument(new byte[] {0}));
        assertFalse(SyncProtocol.mayChangeDocument(null));
    }
}
