package org.civicpress.realtime.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.civicpress.realtime.delivery.SocketOut;

/**
 * The outgoing side of one WebSocket: what rooms, relays and connection actors write to, on any thread, and what
 * the socket's {@link SocketStage} sends. Lock-free: a writer appends to a queue and wakes the stage only when
 * the stage found the queue empty and is waiting (in the spirit of pekko's {@code BoundedSourceQueue}), so a
 * busy socket takes many frames per wake-up and no actor message is sent per frame.
 *
 * <p>Bounded: one frame more than {@code capacity} waiting means the client does not read fast enough; the
 * socket is then closed with 1013 (what waited is dropped) instead of slowing its room down or filling the heap.
 * The first {@link #close} ends the socket: it goes out after the frames written before it, later writes are
 * dropped.
 */
final class OutgoingFrames implements SocketOut {

    /** A close written by the application, queued behind the frames written before it. */
    record Close(int code, String reason) {}

    /** A keep-alive ping asked for by the node's sweep ({@link OpenSockets#pingIdle}). */
    static final Object PING = new Object();

    /**
     * A multi-producer single-consumer linked queue (Vyukov's): a writer swaps itself in as the tail with one atomic
     * exchange and links the previous tail to it; the stage, the only reader, follows the links from {@code head}.
     */
    private static final class Node {
        Object item;
        volatile Node next;

        Node(Object item) {
            this.item = item;
        }
    }

    private final AtomicReference<Node> tail;
    /** The last node taken (or the initial stub); read by the stage only. */
    private Node head;

    private final AtomicInteger waiting = new AtomicInteger();
    private final int capacity;
    /** Set by the stage when it found the queue empty: the next writer must wake it. */
    private final AtomicBoolean wakeupNeeded = new AtomicBoolean();

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean overflowed;
    /** The stage's wake-up (an async callback); null until the stage started, which then looks by itself. */
    private volatile Runnable wakeup;
    /**
     * Frames the stage sent: written by the stage only; read by the keep-alive sweep (a stale read only delays a
     * ping by one sweep, so it is a plain field, no fence per frame).
     */
    int sent;
    /** {@link #sent} at the previous sweep (the sweep's own field). */
    int sentAtLastSweep;

    OutgoingFrames(int capacity) {
        this.capacity = capacity;
        this.head = new Node(null);
        this.tail = new AtomicReference<>(head);
    }

    private void offer(Object item) {
        Node node = new Node(item);
        tail.getAndSet(node).next = node;
    }

    /** The stage's side: the next item or null; a writer between its exchange and its link looks empty for now. */
    private Object take() {
        Node next = head.next;
        if (next == null) return null;
        head = next;
        Object item = next.item;
        next.item = null;
        return item;
    }

    @Override
    public void send(byte[] frame) {
        if (closed.get()) return;
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            if (closed.compareAndSet(false, true)) {
                overflowed = true;
                wake();
            }
            return;
        }
        offer(frame);
        wake();
    }

    @Override
    public void close(int code, String reason) {
        if (!closed.compareAndSet(false, true)) return;
        offer(new Close(code, reason));
        wake();
    }

    /** Asks for a keep-alive ping (ignored once closed); the stage sends it after what waits before it. */
    void ping() {
        if (closed.get()) return;
        offer(PING);
        wake();
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Closed from the stage itself (protocol error, peer's close, end of the stream): later writes are dropped. */
    void shut() {
        closed.set(true);
    }

    // ---- the stage's side (one thread at a time)

    void attach(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    /** True when the client fell behind by more than the capacity: close with 1013, drop what waits. */
    boolean overflowed() {
        return overflowed;
    }

    /**
     * The next item (a {@code byte[]} frame, a {@link Close} or {@link #PING}), or null when none waits; after
     * null, the next write wakes the stage.
     */
    Object poll() {
        Object item = take();
        if (item == null) {
            wakeupNeeded.set(true);
            // A writer may have linked its frame between the look and the flag: look once more. One still between
            // its exchange and its link sees the flag once it linked, and wakes the stage.
            item = take();
            if (item == null) return null;
            // Taken after all: a wake-up may still come; the stage ignores one it has nothing to do for.
            wakeupNeeded.set(false);
        }
        if (item instanceof byte[]) waiting.decrementAndGet();
        return item;
    }

    /** Drops what waits (after an overflow or once the socket ended). */
    void clear() {
        while (take() != null) {
            // dropped
        }
        waiting.set(0);
    }

    private void wake() {
        if (wakeupNeeded.get() && wakeupNeeded.compareAndSet(true, false)) {
            Runnable w = wakeup;
            if (w != null) w.run();
        }
    }
}
