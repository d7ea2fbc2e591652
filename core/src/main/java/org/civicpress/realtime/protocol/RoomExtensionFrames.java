package org.civicpress.realtime.protocol;

import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;

/**
 * Frames between a room and a connection that asked for them when joining ({@code Room.Join#extensionFrames}):
 * message types the y-websocket protocol does not have, so a y-websocket client never sees them. The
 * Hocuspocus endpoint uses them for what its protocol has and y-websocket lacks:
 * <ul>
 *   <li>{@link #DURABLE_ACK} (room to connection): {@code count} updates of this connection are in the journal
 *       (the Hocuspocus SyncStatus; for y-websocket the echo plays this part);</li>
 *   <li>{@link #STATELESS} (both ways): a stateless string; from a connection, {@code relay} asks the room to
 *       pass it to its other extension-frame members.</li>
 * </ul>
 */
public final class RoomExtensionFrames {
    public static final int DURABLE_ACK = 100;
    public static final int STATELESS = 101;

    private RoomExtensionFrames() {}

    /** A stateless message as carried between connection and room. */
    public record Stateless(String payload, boolean relay) {}

    /** True for a frame of this class (first byte 100 or 101: one-byte varUints). */
    public static boolean isExtension(byte[] frame) {
        return frame.length > 0 && (frame[0] == DURABLE_ACK || frame[0] == STATELESS);
    }

    public static byte[] durableAck(int count) {
        Encoder e = new Encoder(8);
        e.writeVarUint(DURABLE_ACK);
        e.writeVarUint(count);
        return e.toUint8Array();
    }

    public static byte[] stateless(String payload, boolean relay) {
        Encoder e = new Encoder(payload.length() + 8);
        e.writeVarUint(STATELESS);
        e.writeVarUint(relay ? 1 : 0);
        e.writeVarString(payload);
        return e.toUint8Array();
    }

    /** The count of a {@link #DURABLE_ACK} frame. @throws ProtocolException when it is not one */
    public static int ackCount(byte[] frame) {
        try {
            Decoder d = new Decoder(frame);
            if (d.readVarUint() != DURABLE_ACK) throw new ProtocolException("not a durable ack frame");
            return d.readVarUintAsInt();
        } catch (InvalidUpdateException e) {
            throw new ProtocolException("malformed durable ack frame: " + e.getMessage(), e);
        }
    }

    /** @throws ProtocolException when {@code frame} is not a well-formed {@link #STATELESS} frame */
    public static Stateless decodeStateless(byte[] frame) {
        try {
            Decoder d = new Decoder(frame);
            if (d.readVarUint() != STATELESS) throw new ProtocolException("not a stateless frame");
            boolean relay = d.readVarUint() == 1;
            return new Stateless(d.readVarString(), relay);
        } catch (InvalidUpdateException e) {
            throw new ProtocolException("malformed stateless frame: " + e.getMessage(), e);
        }
    }
}
