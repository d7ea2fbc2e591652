package org.civicpress.realtime.protocol;

import org.civicpress.ycrdt.lib0.Encoder;

/**
 * Encoders for the sync sub-protocol of y-protocols (sync.js), already wrapped in the y-websocket
 * frame (leading {@link MessageType#SYNC}), so the result can be sent as one binary frame.
 */
public final class SyncProtocol {
    public static final int MESSAGE_YJS_SYNC_STEP1 = 0;
    public static final int MESSAGE_YJS_SYNC_STEP2 = 1;
    public static final int MESSAGE_YJS_UPDATE = 2;

    private SyncProtocol() {}

    public static byte[] encodeSyncStep1(byte[] stateVector) {
        return frame(MESSAGE_YJS_SYNC_STEP1, stateVector);
    }

    public static byte[] encodeSyncStep2(byte[] update) {
        return frame(MESSAGE_YJS_SYNC_STEP2, update);
    }

    public static byte[] encodeUpdate(byte[] update) {
        return frame(MESSAGE_YJS_UPDATE, update);
    }

    private static byte[] frame(int syncType, byte[] payload) {
        Encoder e = new Encoder(payload.length + 8);
        e.writeVarUint(MessageType.SYNC);
        e.writeVarUint(syncType);
        e.writeVarUint8Array(payload);
        return e.toUint8Array();
    }
}
