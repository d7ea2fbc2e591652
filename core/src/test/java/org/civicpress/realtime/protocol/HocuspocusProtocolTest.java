package org.civicpress.realtime.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The codec against frames encoded by the real {@code @hocuspocus/provider} and {@code @hocuspocus/server}
 * 3.4.4 (js/fixtures-gen/hocuspocus-vectors.mjs wrote hocuspocus-vectors.json).
 */
class HocuspocusProtocolTest {
    private static final String DOC = "doc-ä1";
    private static JsonNode provider;
    private static JsonNode server;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = HocuspocusProtocolTest.class.getResourceAsStream("hocuspocus-vectors.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            provider = root.get("provider");
            server = root.get("server");
        }
    }

    private static byte[] hex(JsonNode node, String key) {
        return HexFormat.of().parseHex(node.get(key).asText());
    }

    @Test
    void decodesWhatTheProviderSends() {
        var token = assertInstanceOf(HocuspocusProtocol.Auth.class, HocuspocusProtocol.decode(hex(provider, "token")));
        assertEquals(DOC, token.documentName());
        assertEquals(HocuspocusProtocol.AUTH_TOKEN, token.authType());
        assertEquals("tok.en", token.value());
        var empty =
                assertInstanceOf(HocuspocusProtocol.Auth.class, HocuspocusProtocol.decode(hex(provider, "emptyToken")));
        assertEquals("", empty.value(), "a provider without token sends an empty one");

        var step1 =
                assertInstanceOf(HocuspocusProtocol.Sync.class, HocuspocusProtocol.decode(hex(provider, "syncStep1")));
        assertEquals(SyncProtocol.MESSAGE_YJS_SYNC_STEP1, step1.syncType());
        assertInstanceOf(YMessage.SyncStep1.class, MessageDecoder.decode(step1.yFrame()));
        assertNull(step1.update());

        var update =
                assertInstanceOf(HocuspocusProtocol.Sync.class, HocuspocusProtocol.decode(hex(provider, "update")));
        assertEquals(SyncProtocol.MESSAGE_YJS_UPDATE, update.syncType());
        assertFalse(update.reply());
        assertArrayEquals(hex(provider, "updatePayload"), update.update());
        assertArrayEquals(
                SyncProtocol.encodeUpdate(hex(provider, "updatePayload")),
                update.yFrame(),
                "the part after the name is the y-websocket frame the room reads");

        var awareness = assertInstanceOf(
                HocuspocusProtocol.Awareness.class, HocuspocusProtocol.decode(hex(provider, "awareness")));
        var y = assertInstanceOf(YMessage.Awareness.class, MessageDecoder.decode(awareness.yFrame()));
        assertEquals(7, y.entries().get(0).clientId());

        var stateless = assertInstanceOf(
                HocuspocusProtocol.Stateless.class, HocuspocusProtocol.decode(hex(provider, "stateless")));
        assertEquals("{\"x\":1}", stateless.payload());
        var close = assertInstanceOf(HocuspocusProtocol.Close.class, HocuspocusProtocol.decode(hex(provider, "close")));
        assertEquals(DOC, close.documentName());
        assertNull(close.reason());
        assertArrayEquals(hex(provider, "close"), HocuspocusProtocol.closeRequest(DOC));
        assertArrayEquals(hex(provider, "token"), HocuspocusProtocol.token(DOC, "tok.en"));
    }

    @Test
    void encodesWhatTheServerSends() {
        assertArrayEquals(hex(server, "authenticatedReadWrite"), HocuspocusProtocol.authenticated(DOC, false));
        assertArrayEquals(hex(server, "authenticatedReadonly"), HocuspocusProtocol.authenticated(DOC, true));
        assertArrayEquals(
                hex(server, "permissionDenied"), HocuspocusProtocol.permissionDenied(DOC, "no access to " + DOC));
        assertArrayEquals(hex(server, "syncStatusTrue"), HocuspocusProtocol.syncStatus(DOC, true));
        assertArrayEquals(hex(server, "syncStatusFalse"), HocuspocusProtocol.syncStatus(DOC, false));
        assertArrayEquals(hex(server, "stateless"), HocuspocusProtocol.stateless(DOC, "{\"x\":1}"));
        assertArrayEquals(hex(server, "broadcastStateless"), HocuspocusProtocol.broadcastStateless(DOC, "{\"x\":1}"));
        assertArrayEquals(hex(server, "close"), HocuspocusProtocol.close(DOC, "provider_initiated"));
        assertArrayEquals(
                hex(server, "update"),
                HocuspocusProtocol.wrap(DOC, SyncProtocol.encodeUpdate(hex(provider, "updatePayload"))));
    }

    @Test
    void decodesTheServerFramesToo() {
        var status = assertInstanceOf(
                HocuspocusProtocol.SyncStatus.class, HocuspocusProtocol.decode(hex(server, "syncStatusTrue")));
        assertTrue(status.saved());
        assertFalse(
                ((HocuspocusProtocol.SyncStatus) HocuspocusProtocol.decode(hex(server, "syncStatusFalse"))).saved());
        var auth = assertInstanceOf(
                HocuspocusProtocol.Auth.class, HocuspocusProtocol.decode(hex(server, "authenticatedReadonly")));
        assertEquals(HocuspocusProtocol.AUTH_AUTHENTICATED, auth.authType());
        assertEquals(HocuspocusProtocol.SCOPE_READONLY, auth.value());
        assertEquals(
                "provider_initiated",
                ((HocuspocusProtocol.Close) HocuspocusProtocol.decode(hex(server, "close"))).reason());
        var broadcast = assertInstanceOf(
                HocuspocusProtocol.BroadcastStateless.class,
                HocuspocusProtocol.decode(hex(server, "broadcastStateless")));
        assertEquals("{\"x\":1}", broadcast.payload());
        var reply = assertInstanceOf(
                HocuspocusProtocol.Sync.class, HocuspocusProtocol.decode(hex(server, "syncReplyStep1")));
        assertTrue(reply.reply());
        assertArrayEquals(
                SyncProtocol.encodeSyncStep1(hex(server, "stateVector")),
                reply.yFrame(),
                "a SyncReply is handed to the room as a plain Sync frame");
    }

    @Test
    void badFramesAreProtocolErrorsAndUnknownTypesAreNamed() {
        assertThrows(ProtocolException.class, () -> HocuspocusProtocol.decode(new byte[0]));
        assertThrows(ProtocolException.class, () -> HocuspocusProtocol.decode(new byte[] {5, 'a'}), "truncated name");
        assertThrows(
                ProtocolException.class,
                () -> HocuspocusProtocol.decode(new byte[] {1, 'a', 0, 9}),
                "unknown sync type");
        assertThrows(
                ProtocolException.class,
                () -> HocuspocusProtocol.decode(new byte[] {1, 'a', 0, 2, 5, 1}),
                "truncated update");
        var unknown =
                assertInstanceOf(HocuspocusProtocol.Unknown.class, HocuspocusProtocol.decode(new byte[] {1, 'a', 42}));
        assertEquals(42, unknown.type());
    }

    @Test
    void roomExtensionFramesRoundTripAndAreNotYWebsocketFrames() {
        byte[] ack = RoomExtensionFrames.durableAck(300);
        assertTrue(RoomExtensionFrames.isExtension(ack));
        assertEquals(300, RoomExtensionFrames.ackCount(ack));
        byte[] stateless = RoomExtensionFrames.stateless("päyload", true);
        assertEquals(
                new RoomExtensionFrames.Stateless("päyload", true), RoomExtensionFrames.decodeStateless(stateless));
        assertThrows(ProtocolException.class, () -> MessageDecoder.decode(ack), "a y-websocket decoder refuses it");
        assertFalse(RoomExtensionFrames.isExtension(SyncProtocol.encodeUpdate(new byte[] {0, 0})));
        assertThrows(ProtocolException.class, () -> RoomExtensionFrames.decodeStateless(new byte[] {101, 0, 9}));
    }
}
