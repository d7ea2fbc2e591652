package org.civicpress.realtime.loadtest;

/** What the load client needs to know about one server message, whatever the wire dialect. */
public sealed interface IncomingMessage {
    /** SyncStep1 from the server: it wants what we have that it lacks. */
    record SyncStep1(byte[] stateVector) implements IncomingMessage {}

    /** SyncStep2: the answer to our SyncStep1; the client is synced once it arrives. */
    record SyncStep2(byte[] update, int from, int to) implements IncomingMessage {}

    /** A document update broadcast by the server (the payload's bytes are scanned for markers). */
    record Update(byte[] message, int from, int to) implements IncomingMessage {}

    record Awareness() implements IncomingMessage {}

    /** Hocuspocus's authentication answer. */
    record AuthResult(boolean granted, String detail) implements IncomingMessage {}

    /** Anything the benchmark does not act on (hocuspocus sync-status acks, query-awareness, ...). */
    record Other(int type) implements IncomingMessage {}
}
