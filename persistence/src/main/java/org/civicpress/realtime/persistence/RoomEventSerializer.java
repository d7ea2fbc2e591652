package org.civicpress.realtime.persistence;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.civicpress.realtime.room.Room;

/**
 * Binary serializer for room journal events and snapshots (no JSON, no base64: a room's journal is
 * mostly Yjs update bytes). Formats, all integers unsigned LEB128 varints like lib0's:
 * <ul>
 *   <li>{@code "U2"} {@link Room.UpdatesJournaled} (written since updates record who sent them): count, then
 *   per update its length and bytes, the user id and the connection id (each: 0 = null, else 1 + UTF-8 length
 *   + bytes) and the server time it arrived (epoch milliseconds, varint);</li>
 *   <li>{@code "U1"} {@link Room.UpdatesJournaled} (still read, no longer written): count, then per update its
 *   length and bytes; read back with user id and connection id null and time 0;</li>
 *   <li>{@code "R1"} {@link Room.SnapshotRequested}: empty;</li>
 *   <li>{@code "S1"} {@link Room.Snapshot}: the encoded document as is.</li>
 * </ul>
 * The format is owned here (not by the engine's codec) so stored data never changes with the engine.
 */
public final class RoomEventSerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 731001;
    static final String UPDATES = "U2";
    static final String UPDATES_V1 = "U1";
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
        throw new IllegalArgumentException(
                "RoomEventSerializer cannot serialize " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof Room.UpdatesJournaled e) return encodeUpdates(e.updates());
        if (o instanceof Room.SnapshotRequested) return EMPTY;
        if (o instanceof Room.Snapshot s) return s.encodedState();
        throw new IllegalArgumentException(
                "RoomEventSerializer cannot serialize " + o.getClass().getName());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        switch (manifest) {
            case UPDATES:
                return new Room.UpdatesJournaled(decodeUpdates(bytes, true));
            case UPDATES_V1:
                return new Room.UpdatesJournaled(decodeUpdates(bytes, false));
            case SNAPSHOT_REQUESTED:
                return new Room.SnapshotRequested();
            case SNAPSHOT:
                return new Room.Snapshot(bytes);
            default:
                throw new NotSerializableException("unknown room event manifest [" + manifest + "]");
        }
    }

    private static byte[] encodeUpdates(List<Room.JournaledUpdate> updates) {
        int size = 5;
        for (Room.JournaledUpdate u : updates) size += u.update().length + 64;
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        writeVarUint(out, updates.size());
        for (Room.JournaledUpdate u : updates) {
            writeVarUint(out, u.update().length);
            out.write(u.update(), 0, u.update().length);
            writeOptionalString(out, u.userId());
            writeOptionalString(out, u.connectionId());
            writeVarLong(out, u.receivedAtMillis());
        }
        return out.toByteArray();
    }

    /** {@code withSenders}: format U2 (user, connection, time after each update) rather than U1. */
    private static List<Room.JournaledUpdate> decodeUpdates(byte[] bytes, boolean withSenders)
            throws NotSerializableException {
        int[] pos = {0};
        int count = readVarUint(bytes, pos);
        // every update takes at least one byte (its length): a larger count is corrupt data
        if (count > bytes.length - pos[0]) throw corrupt("count " + count + " exceeds the data");
        List<Room.JournaledUpdate> updates = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int len = readVarUint(bytes, pos);
            if (len > bytes.length - pos[0]) throw corrupt("update " + i + " of length " + len + " exceeds the data");
            byte[] u = new byte[len];
            System.arraycopy(bytes, pos[0], u, 0, len);
            pos[0] += len;
            if (withSenders) {
                String userId = readOptionalString(bytes, pos);
                String connectionId = readOptionalString(bytes, pos);
                long receivedAt = readVarLong(bytes, pos);
                updates.add(new Room.JournaledUpdate(u, userId, connectionId, receivedAt));
            } else {
                updates.add(new Room.JournaledUpdate(u, null, null, 0));
            }
        }
        if (pos[0] != bytes.length) throw corrupt((bytes.length - pos[0]) + " trailing bytes");
        return updates;
    }

    private static void writeOptionalString(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.write(0);
            return;
        }
        out.write(1);
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeVarUint(out, utf8.length);
        out.write(utf8, 0, utf8.length);
    }

    private static String readOptionalString(byte[] bytes, int[] pos) throws NotSerializableException {
        if (pos[0] >= bytes.length) throw corrupt("truncated string");
        int present = bytes[pos[0]++];
        if (present == 0) return null;
        if (present != 1) throw corrupt("string marker " + present);
        int len = readVarUint(bytes, pos);
        if (len > bytes.length - pos[0]) throw corrupt("string of length " + len + " exceeds the data");
        String value = new String(bytes, pos[0], len, StandardCharsets.UTF_8);
        pos[0] += len;
        return value;
    }

    private static void writeVarLong(ByteArrayOutputStream out, long value) {
        if (value < 0) throw new IllegalArgumentException("negative time " + value);
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readVarLong(byte[] bytes, int[] pos) throws NotSerializableException {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            if (pos[0] >= bytes.length) throw corrupt("truncated varint");
            int b = bytes[pos[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw corrupt("varint too long");
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
