package org.civicpress.realtime.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.lib0.Json;

/**
 * Awareness updates of y-protocols (awareness.js): {@code varUint(n)} then n times
 * {@code varUint(clientID) varUint(clock) varString(JSON.stringify(state))}; a removed client has
 * the state {@code "null"}.
 */
public final class AwarenessProtocol {
    public static final String NULL_STATE = "null";

    /** One client's awareness entry; {@code stateJson} is the JSON text as sent ("null" = removed). */
    public record Entry(long clientId, long clock, String stateJson) {
        public boolean isRemoval() {
            return NULL_STATE.equals(stateJson);
        }
    }

    private AwarenessProtocol() {}

    /**
     * Decodes and validates an awareness update (the payload of a messageAwareness frame). The JSON
     * of every state is parsed so that no client can relay text that breaks other clients'
     * {@code JSON.parse}.
     */
    public static List<Entry> decodeUpdate(byte[] update) {
        try {
            Decoder d = new Decoder(update);
            int n = d.readVarUintAsInt();
            // Each entry needs at least 3 bytes: never trust the declared count for allocation.
            if (n > d.remaining() / 3) {
                throw new ProtocolException(
                        "awareness update declares " + n + " entries in " + d.remaining() + " bytes");
            }
            List<Entry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long clientId = d.readVarUint();
                long clock = d.readVarUint();
                String json = d.readVarString();
                Json.parse(json);
                entries.add(new Entry(clientId, clock, json));
            }
            return entries;
        } catch (InvalidUpdateException e) {
            throw new ProtocolException("malformed awareness update: " + e.getMessage(), e);
        }
    }

    public static byte[] encodeUpdate(Collection<Entry> entries) {
        Encoder e = new Encoder();
        e.writeVarUint(entries.size());
        for (Entry entry : entries) {
            e.writeVarUint(entry.clientId());
            e.writeVarUint(entry.clock());
            e.writeVarString(entry.stateJson());
        }
        return e.toUint8Array();
    }

    /** A complete messageAwareness frame carrying {@code entries}. */
    public static byte[] encodeMessage(Collection<Entry> entries) {
        return wrapUpdate(encodeUpdate(entries));
    }

    /** Wraps an already encoded awareness update in a messageAwareness frame. */
    public static byte[] wrapUpdate(byte[] awarenessUpdate) {
        Encoder e = new Encoder(awarenessUpdate.length + 6);
        e.writeVarUint(MessageType.AWARENESS);
        e.writeVarUint8Array(awarenessUpdate);
        return e.toUint8Array();
    }

    /** A messageQueryAwareness frame. */
    public static byte[] encodeQuery() {
        return new byte[] {MessageType.QUERY_AWARENESS};
    }
}
