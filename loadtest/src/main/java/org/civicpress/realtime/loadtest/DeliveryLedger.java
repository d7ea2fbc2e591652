package org.civicpress.realtime.loadtest;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Shared by every client of the JVM: which client sent update {@code id} and when (a ring indexed
 * by id), plus the latency histogram and counters of the measured window. Deliveries are counted
 * only when they arrive inside the window; deliveries back to the sender (echoes) are not counted.
 * Flooding clients ({@link #setFlooders}) are kept apart: the main histogram and counters hold only
 * normal writers' updates reaching normal clients (what the flood must not hurt); updates a flooder
 * sent, and updates a flooder received, are counted in the {@code flood*} figures.
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
    private final LongAdder floodSent = new LongAdder();
    private final LongAdder floodEchoes = new LongAdder();
    private final LongAdder floodToNormal = new LongAdder();
    private final LogLinearHistogram floodToNormalMicros = new LogLinearHistogram();
    private final LongAdder normalToFlooder = new LongAdder();
    private final LogLinearHistogram normalToFlooderMicros = new LogLinearHistogram();
    private volatile boolean[] flooders = new boolean[0];
    private volatile LogLinearHistogram[] slices = new LogLinearHistogram[0];
    private volatile LongAdder[] floodEchoSlices = new LongAdder[0];
    private volatile long sliceNanos = Long.MAX_VALUE;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    /** Reserves a fresh id for an update {@code client} is about to send. */
    public long reserveId() {
        return nextId.getAndIncrement();
    }

    /** Which client indexes are flooders; set once, before any client connects. */
    public void setFlooders(boolean[] isFlooder) {
        this.flooders = isFlooder.clone();
    }

    private boolean isFlooder(long client) {
        boolean[] f = flooders;
        return client >= 0 && client < f.length && f[(int) client];
    }

    public void markSent(long id, int client, long nanoTime) {
        int slot = (int) (id & (RING - 1));
        sentBy.set(slot, client);
        sentAt.set(slot, nanoTime);
        if (inWindow(nanoTime)) {
            (isFlooder(client) ? floodSent : sentInWindow).increment();
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
        long sender = sentBy.get(slot);
        long micros = (nanoTime - sent) / 1_000;
        boolean fromFlooder = isFlooder(sender);
        if (sender == receiver) {
            (fromFlooder ? floodEchoes : echoes).increment();
            if (fromFlooder) {
                LongAdder[] e = floodEchoSlices;
                int i = (int) ((nanoTime - windowStart) / sliceNanos);
                if (i >= 0 && i < e.length) {
                    e[i].increment();
                }
            }
        } else if (isFlooder(receiver)) {
            if (!fromFlooder) {
                normalToFlooder.increment();
                normalToFlooderMicros.record(micros);
            }
        } else if (fromFlooder) {
            floodToNormal.increment();
            floodToNormalMicros.record(micros);
        } else {
            deliveredInWindow.increment();
            latencyMicros.record(micros);
            LogLinearHistogram[] s = slices;
            int i = (int) ((nanoTime - windowStart) / sliceNanos);
            if (i >= 0 && i < s.length) {
                s[i].record(micros);
            }
        }
    }

    public void openWindow(long startNanos, long endNanos) {
        openWindow(startNanos, endNanos, endNanos - startNanos);
    }

    /** Opens the measured window; normal deliveries are also recorded per slice of {@code sliceNanos}. */
    public void openWindow(long startNanos, long endNanos, long sliceNanos) {
        int n = (int) Math.max(1, (endNanos - startNanos + sliceNanos - 1) / sliceNanos);
        LogLinearHistogram[] s = new LogLinearHistogram[n];
        LongAdder[] e = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            s[i] = new LogLinearHistogram();
            e[i] = new LongAdder();
        }
        this.floodEchoSlices = e;
        this.sliceNanos = sliceNanos;
        this.slices = s;
        windowEnd = endNanos;
        windowStart = startNanos;
    }

    /** Normal deliveries' latency per slice of the window, in order. */
    public LogLinearHistogram[] latencyMicrosBySlice() {
        return slices.clone();
    }

    /** Flooders' own updates echoed back to them, per slice of the window (the burst, then the shaped rate). */
    public long[] floodEchoesBySlice() {
        LongAdder[] e = floodEchoSlices;
        long[] out = new long[e.length];
        for (int i = 0; i < e.length; i++) {
            out[i] = e[i].sum();
        }
        return out;
    }

    public long floodSentInWindow() {
        return floodSent.sum();
    }

    /** A flooder's own updates echoed back to it (the server accepted and journaled them). */
    public long floodEchoes() {
        return floodEchoes.sum();
    }

    /** A flooder's updates delivered to normal clients, and their latency. */
    public long floodToNormal() {
        return floodToNormal.sum();
    }

    public LogLinearHistogram floodToNormalMicros() {
        return floodToNormalMicros;
    }

    /** Normal writers' updates delivered to flooders, and their latency. */
    public long normalToFlooder() {
        return normalToFlooder.sum();
    }

    public LogLinearHistogram normalToFlooderMicros() {
        return normalToFlooderMicros;
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
