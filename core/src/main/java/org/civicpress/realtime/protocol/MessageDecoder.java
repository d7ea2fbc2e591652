package org.civicpress.realtime.protocol;

import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;

/**
 * Decodes one binary y-websocket frame into a {@link YMessage}. Like y-websocket's own server, only
 * the first sub-message of a frame is read and trailing bytes are ignored. The Yjs payloads (update,
 * state vector) are not interpreted here: the room hands them to the engine, which validates them.
 */
public final class MessageDecoder {

    private MessageDecoder() {}

    /** @throws ProtocolException for an empty/truncated frame or an unknown message or sync type */
    public static YMessage decode(byte[] frame) {
        if (frame == null || frame.length == 0) {
            throw new ProtocolException("empty frame");
        }
        try {
            Decoder d = new Decoder(frame);
            long type = d.readVarUint();
            if (type == MessageType.SYNC) {
                return decodeSync(d);
            } else if (type == MessageType.AWARENESS) {
                byte[] update = d.readVarUint8Array();
                return new YMessage.Awareness(update, AwarenessProtocol.decodeUpdate(update));
            } else if (type == MessageType.AUTH) {
                int authType = d.readVarUintAsInt();
                String reason = d.hasContent() ? d.readVarString() : "";
                return new YMessage.Auth(authType, reason);
            } else if (type == MessageType.QUERY_AWARENESS) {
                return new YMessage.QueryAwareness();
            }
            throw new ProtocolException("unknown message type " + type);
        } catch (InvalidUpdateException e) {
            throw new ProtocolException("malformed frame: " + e.getMessage(), e);
        }
    }

    private static YMessage decodeSync(Decoder d) {
        long syncType = d.readVarUint();
        byte[] payload;
        if (syncType == SyncProtocol.MESSAGE_YJS_SYNC_STEP1) {
            return new YMessage.SyncStep1(d.readVarUint8Array());
        } else if (syncType == SyncProtocol.MESSAGE_YJS_SYNC_STEP2) {
            payload = d.readVarUint8Array();
            return new YMessage.SyncStep2(payload);
        } else if (syncType == SyncProtocol.MESSAGE_YJS_UPDATE) {
            payload = d.readVarUint8Array();
            return new YMessage.SyncUpdate(payload);
        }
        throw new ProtocolException("unknown sync message type " + syncType);
    }
}
