package org.civicpress.realtime.loadtest;

import java.util.concurrent.CompletableFuture;

/** One open WebSocket as the load client sees it: binary messages out, and two ways to end. */
public interface Transport {
    /** Queues one binary message; never blocks. */
    void send(byte[] message);

    /**
     * True when everything sent so far has been handed to the kernel (nothing queued in the client): how a
     * flooder sends "as fast as the socket accepts", so TCP backpressure, not a client queue, sets its pace.
     * NIO: call on the loop thread.
     */
    boolean sendQueueEmpty();

    /** Drops the connection at once. */
    void abort();

    /** Sends a close frame; completes once it is written (or the socket is gone). */
    CompletableFuture<Void> close();
}
