package org.civicpress.realtime.persistence;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.civicpress.realtime.room.Room;

/**
 * Binary serializer for room journal events and snapshots (no JSON, no base64: a room's journal is
 * mostly Yjs update bytes). Formats, all integers unsigned LEB128 varints like lib0's:
 * <ul>
 *   <li>{@code "U1"} {@link Room.UpdatesJournaled}: count, then per update its length and bytes;</li>
 *   <li>{@code "R1"} {@link Room.SnapshotRequested}: empty;</li>
 *   <li>{@code "S1"} {@link Room.Snapshot}: the encoded document as is.</li>
 * </ul>
 * The format is owned here (not by the engine's codec) so stored data never changes with the engine.
 */
public final class RoomEventSerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 731001;
    static final String UPDATES = "U1";
    static final String SNAPSHOT_REQUESTED = "R1";
    static final String SNAPSHOT = "S1";

    private static final byte[] EMPTY = new byte[0];

    public RoomEventSerializer(ExtendedActorSystem system) {
        // the system is not needed: the formats are self-contained
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof Room.UpdatesJournaled) return UPDATES;
        if (o instanceof Room.SnapshotRequested) return SNAPSHOT_REQUESTED;
        if (o instanceof Room.Snapshot) return SNAPSHOT;
        throw new IllegalArgumentException("RoomEventSerializer cannot serialize " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof Room.UpdatesJournaled e) return encodeUpdates(e.updates());
        if (o instanceof Room.SnapshotRequested) return EMPTY;
        if (o instanceof Room.Snapshot s) return s.encodedState();
        throw new IllegalArgumentException("RoomEventSerializer cannot serialize " + o.getClass().getName());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        switch (manifest) {
            case UPDATES:
                return new Room.UpdatesJournaled(decodeUpdates(bytes));
            case SNAPSHOT_REQUESTED:
                return new Room.SnapshotRequested();
            case SNAPSHOT:
                return new Room.Snapshot(bytes);
            default:
                throw new NotSerializableException("unknown room event manifest [" + manifest + "]");
        }
    }

    private static byte[] encodeUpdates(List<byte[]> updates) {
        int size = 5;
        for (byte[] u : updates) size += u.length + 5;
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        writeVarUint(out, updates.size());
        for (byte[] u : updates) {
            writeVarUint(out, u.length);
            out.write(u, 0, u.length);
        }
        return out.toByteArray();
    }

    private static List<byte[]> decodeUpdates(byte[] bytes) throws NotSerializableException {
        int[] pos = {0};
        int count = readVarUint(bytes, pos);
        // every update takes at least one byte (its length): a larger count is corrupt data
        if (count > bytes.length - pos[0]) throw corrupt("count " + count + " exceeds the data");
        List<byte[]> updates = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int len = readVarUint(bytes, pos);
            if (len > bytes.length - pos[0]) throw corrupt("update " + i + " of length " + len + " exceeds the data");
            byte[] u = new byte[len];
            System.arraycopy(bytes, pos[0], u, 0, len);
            pos[0] += len;
            updates.add(u);
        }
        if (pos[0] != bytes.length) throw corrupt((bytes.length - pos[0]) + " trailing bytes");
        return updates;
    }

    private static void writeVarUint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static int readVarUint(byte[] bytes, int[] pos) throws NotSerializableException {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= bytes.length) throw corrupt("truncated varint");
            int b = bytes[pos[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value > Integer.MAX_VALUE) throw corrupt("varint " + value + " too large");
                return (int) value;
            }
        }
        throw corrupt("varint too long");
    }

    private static NotSerializableException corrupt(String what) {
        return new NotSerializableException("corrupt room event: " + what);
    }
}
