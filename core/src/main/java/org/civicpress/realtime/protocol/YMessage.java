package org.civicpress.realtime.protocol;

import java.util.List;

/**
 * One decoded y-websocket frame. Byte arrays are the frame's payloads (update, state vector,
 * awareness update) exactly as sent; {@link Awareness} also carries its decoded entries so the
 * room can track states without decoding twice.
 */
public sealed interface YMessage {

    /** messageSync / messageYjsSyncStep1: "here is my state vector, send me what I miss". */
    record SyncStep1(byte[] stateVector) implements YMessage {}

    /** messageSync / messageYjsSyncStep2: the answer to a SyncStep1, an update. */
    record SyncStep2(byte[] update) implements YMessage {}

    /** messageSync / messageYjsUpdate: an incremental update. */
    record SyncUpdate(byte[] update) implements YMessage {}

    /** messageAwareness: the raw awareness update and its decoded entries. */
    record Awareness(byte[] update, List<AwarenessProtocol.Entry> entries) implements YMessage {}

    /** messageAuth: only ever sent by servers; a server receiving it ignores it. */
    record Auth(int authType, String reason) implements YMessage {}

    /** messageQueryAwareness: "send me every awareness state you know". */
    record QueryAwareness() implements YMessage {}
}
