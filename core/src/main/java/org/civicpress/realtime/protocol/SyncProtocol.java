package org.civicpress.realtime.protocol;

import java.util.Arrays;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;

/**
 * Encoders for the sync sub-protocol of y-protocols (sync.js), already wrapped in the y-websocket
 * frame (leading {@link MessageType#SYNC}), so the result can be sent as one binary frame.
 */
public final class SyncProtocol {
    public static final int MESSAGE_YJS_SYNC_STEP1 = 0;
    public static final int MESSAGE_YJS_SYNC_STEP2 = 1;
    public static final int MESSAGE_YJS_UPDATE = 2;

    /** A Yjs (v1) update without structs and without deletions: what a client with nothing new sends as SyncStep2. */
    private static final byte[] EMPTY_UPDATE = {0, 0};

    private SyncProtocol() {}

    /**
     * True when {@code frame} is a sync message that could change a document: an Update, or a SyncStep2
     * carrying anything but the empty update. Read-only connections may not send these. A SyncStep2 of a
     * client that only holds deletions the room already has is counted too (its delete set cannot be told
     * apart without the room's document); refusing it loses nothing. Frames that cannot be decoded answer
     * false: the room's decoder refuses them with the documented close code.
     */
    public static boolean mayChangeDocument(byte[] frame) {
        if (frame == null || frame.length < 2) return false;
        try {
            Decoder d = new Decoder(frame);
            if (d.readVarUint() != MessageType.SYNC) return false;
            long syncType = d.readVarUint();
            if (syncType == MESSAGE_YJS_UPDATE) return true;
            if (syncType != MESSAGE_YJS_SYNC_STEP2) return false;
            return !Arrays.equals(d.readVarUint8Array(), EMPTY_UPDATE);
        } catch (InvalidUpdateException | IndexOutOfBoundsException e) {
            return false;
        }
    }

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
