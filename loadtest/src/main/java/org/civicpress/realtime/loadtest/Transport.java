package org.civicpress.realtime.loadtest;

import java.util.concurrent.CompletableFuture;

/** One open WebSocket as the load client sees it: binary messages out, and two ways to end. */
public interface Transport {
    /** Queues one binary message; never blocks. */
    void send(byte[] message);

    /** Drops the connection at once. */
    void abort();

    /** Sends a close frame; completes once it is written (or the socket is gone). */
    CompletableFuture<Void> close();
}
