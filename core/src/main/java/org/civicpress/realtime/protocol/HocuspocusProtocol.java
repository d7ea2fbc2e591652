package org.civicpress.realtime.protocol;

import java.nio.charset.StandardCharsets;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;

/**
 * The Hocuspocus wire format (@hocuspocus/provider and @hocuspocus/server 2.x and 3.x): every frame is
 * {@code varString(documentName) varUint(type) payload}. For Sync (0), Awareness (1) and QueryAwareness (3)
 * the part after the document name is byte for byte a y-websocket frame, so the room's frames are forwarded
 * with the name in front ({@link #wrap}) and the client's are handed to the room without it
 * ({@link Sync#yFrame()}, {@link Awareness#yFrame()}). Pure: no actor code here.
 */
public final class HocuspocusProtocol {
    public static final int SYNC = 0;
    public static final int AWARENESS = 1;
    public static final int AUTH = 2;
    public static final int QUERY_AWARENESS = 3;
    /** A sync message whose SyncStep1 is not answered with the server's own SyncStep1 (server to server). */
    public static final int SYNC_REPLY = 4;

    public static final int STATELESS = 5;
    public static final int BROADCAST_STATELESS = 6;
    public static final int CLOSE = 7;
    public static final int SYNC_STATUS = 8;

    /** Auth sub-types (@hocuspocus/common AuthMessageType). */
    public static final int AUTH_TOKEN = 0;

    public static final int AUTH_PERMISSION_DENIED = 1;
    public static final int AUTH_AUTHENTICATED = 2;

    public static final String SCOPE_READONLY = "readonly";
    public static final String SCOPE_READ_WRITE = "read-write";

    private HocuspocusProtocol() {}

    /** One decoded Hocuspocus frame. */
    public sealed interface Message {
        String documentName();
    }

    /** Sync or SyncReply: {@code yFrame} is the y-websocket frame (leading 0) the room understands. */
    public record Sync(String documentName, byte[] yFrame, boolean reply) implements Message {
        /** The y-protocols sync sub-type (0 step 1, 1 step 2, 2 update); -1 if the frame is truncated. */
        public int syncType() {
            return yFrame.length > 1 ? yFrame[1] : -1;
        }

        /** The update of a SyncStep2 or Update (null for a SyncStep1). */
        public byte[] update() {
            Decoder d = new Decoder(yFrame);
            d.readVarUint();
            long type = d.readVarUint();
            return type == SyncProtocol.MESSAGE_YJS_SYNC_STEP1 ? null : d.readVarUint8Array();
        }
    }

    /** {@code yFrame}: the y-websocket awareness frame (leading 1). */
    public record Awareness(String documentName, byte[] yFrame) implements Message {}

    /** {@code value}: the token (Token), the reason (PermissionDenied) or the scope (Authenticated). */
    public record Auth(String documentName, int authType, String value) implements Message {}

    public record QueryAwareness(String documentName) implements Message {}

    public record Stateless(String documentName, String payload) implements Message {}

    public record BroadcastStateless(String documentName, String payload) implements Message {}

    /** {@code reason}: what the server sends; the provider's close request has none (null). */
    public record Close(String documentName, String reason) implements Message {}

    public record SyncStatus(String documentName, boolean saved) implements Message {}

    /** A type this server does not know (the Hocuspocus server logs and ignores these too). */
    public record Unknown(String documentName, long type) implements Message {}

    /** @throws ProtocolException for an empty or truncated frame, or a truncated known message */
    public static Message decode(byte[] frame) {
        if (frame == null || frame.length == 0) throw new ProtocolException("empty frame");
        try {
            Decoder d = new Decoder(frame);
            String name = d.readVarString();
            int typeOffset = d.offset();
            long type = d.readVarUint();
            if (type == SYNC || type == SYNC_REPLY) {
                byte[] y = new byte[frame.length - typeOffset];
                System.arraycopy(frame, typeOffset, y, 0, y.length);
                y[0] = SYNC; // SYNC_REPLY is one byte too
                // Validate the envelope now: the room would close with 4400 anyway, this names the cause.
                MessageDecoder.decode(y);
                return new Sync(name, y, type == SYNC_REPLY);
            } else if (type == AWARENESS) {
                byte[] y = new byte[frame.length - typeOffset];
                System.arraycopy(frame, typeOffset, y, 0, y.length);
                return new Awareness(name, y);
            } else if (type == AUTH) {
                int authType = d.readVarUintAsInt();
                String value = d.hasContent() ? d.readVarString() : "";
                return new Auth(name, authType, value);
            } else if (type == QUERY_AWARENESS) {
                return new QueryAwareness(name);
            } else if (type == STATELESS) {
                return new Stateless(name, d.hasContent() ? d.readVarString() : "");
            } else if (type == BROADCAST_STATELESS) {
                return new BroadcastStateless(name, d.hasContent() ? d.readVarString() : "");
            } else if (type == CLOSE) {
                return new Close(name, d.hasContent() ? d.readVarString() : null);
            } else if (type == SYNC_STATUS) {
                return new SyncStatus(name, d.readVarInt() == 1);
            }
            return new Unknown(name, type);
        } catch (InvalidUpdateException | IndexOutOfBoundsException e) {
            throw new ProtocolException("malformed Hocuspocus frame: " + e.getMessage(), e);
        }
    }

    /** A room frame (y-websocket Sync or Awareness frame) for {@code documentName}. */
    public static byte[] wrap(String documentName, byte[] yFrame) {
        Encoder e = header(documentName, yFrame.length);
        e.writeUint8Array(yFrame);
        return e.toUint8Array();
    }

    public static byte[] authenticated(String documentName, boolean readOnly) {
        return auth(documentName, AUTH_AUTHENTICATED, readOnly ? SCOPE_READONLY : SCOPE_READ_WRITE);
    }

    public static byte[] permissionDenied(String documentName, String reason) {
        return auth(documentName, AUTH_PERMISSION_DENIED, reason);
    }

    /** What the provider sends: the token (empty when it has none). */
    public static byte[] token(String documentName, String token) {
        return auth(documentName, AUTH_TOKEN, token);
    }

    public static byte[] syncStatus(String documentName, boolean saved) {
        Encoder e = header(documentName, 2);
        e.writeVarUint(SYNC_STATUS);
        e.writeVarUint(saved ? 1 : 0);
        return e.toUint8Array();
    }

    public static byte[] stateless(String documentName, String payload) {
        return withString(documentName, STATELESS, payload);
    }

    public static byte[] broadcastStateless(String documentName, String payload) {
        return withString(documentName, BROADCAST_STATELESS, payload);
    }

    /** The server's close of one document (the socket stays open for the others). */
    public static byte[] close(String documentName, String reason) {
        return withString(documentName, CLOSE, reason);
    }

    /** The provider's request to close one document (no reason). */
    public static byte[] closeRequest(String documentName) {
        Encoder e = header(documentName, 1);
        e.writeVarUint(CLOSE);
        return e.toUint8Array();
    }

    private static byte[] auth(String documentName, int authType, String value) {
        Encoder e = header(documentName, value.length() + 8);
        e.writeVarUint(AUTH);
        e.writeVarUint(authType);
        e.writeVarString(value);
        return e.toUint8Array();
    }

    private static byte[] withString(String documentName, int type, String value) {
        Encoder e = header(documentName, value.length() + 8);
        e.writeVarUint(type);
        e.writeVarString(value);
        return e.toUint8Array();
    }

    private static Encoder header(String documentName, int payloadLength) {
        Encoder e = new Encoder(documentName.getBytes(StandardCharsets.UTF_8).length + payloadLength + 8);
        e.writeVarString(documentName);
        return e;
    }
}
