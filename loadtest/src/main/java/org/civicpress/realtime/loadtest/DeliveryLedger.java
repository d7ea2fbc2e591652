package org.civicpress.realtime.loadtest;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Shared by every client of the JVM: which client sent update {@code id} and when (a ring indexed
 * by id), plus the latency histogram and counters of the measured window. Deliveries are counted
 * only when they arrive inside the window; deliveries back to the sender (echoes) are not counted.
 */
public final class DeliveryLedger {
    private static final int RING = 1 << 22;

    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLongArray sentAt = new AtomicLongArray(RING);
    private final AtomicLongArray sentBy = new AtomicLongArray(RING);
    private final LogLinearHistogram latencyMicros = new LogLinearHistogram();
    private final LongAdder sentInWindow = new LongAdder();
    private final LongAdder deliveredInWindow = new LongAdder();
    private final LongAdder echoes = new LongAdder();
    private final LongAdder unknownIds = new LongAdder();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    /** Reserves a fresh id for an update {@code client} is about to send. */
    public long reserveId() {
        return nextId.getAndIncrement();
    }

    public void markSent(long id, int client, long nanoTime) {
        int slot = (int) (id & (RING - 1));
        sentBy.set(slot, client);
        sentAt.set(slot, nanoTime);
        if (inWindow(nanoTime)) {
            sentInWindow.increment();
        }
    }

    public void markDelivered(long id, int receiver, long nanoTime) {
        int slot = (int) (id & (RING - 1));
        long sent = sentAt.get(slot);
        if (id >= nextId.get() || sent == 0) {
            unknownIds.increment();
            return;
        }
        if (!inWindow(nanoTime)) {
            return;
        }
        if (sentBy.get(slot) == receiver) {
            echoes.increment();
        } else {
            deliveredInWindow.increment();
            latencyMicros.record((nanoTime - sent) / 1_000);
        }
    }

    public void openWindow(long startNanos, long endNanos) {
        windowEnd = endNanos;
        windowStart = startNanos;
    }

    private boolean inWindow(long t) {
        return t >= windowStart && t < windowEnd;
    }

    public LogLinearHistogram latencyMicros() {
        return latencyMicros;
    }

    public long sentInWindow() {
        return sentInWindow.sum();
    }

    public long deliveredInWindow() {
        return deliveredInWindow.sum();
    }

    public long echoes() {
        return echoes.sum();
    }

    public long unknownIds() {
        return unknownIds.sum();
    }
}
