package org.civicpress.realtime.loadtest;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of non-negative longs (HdrHistogram-like, no dependency):
 * exact below 128, then 64 linear sub-buckets per power of two, so any recorded value is
 * reported within 1/64 (~1.6%) of itself. Safe to record from many threads.
 */
public final class LogLinearHistogram {
    private static final int EXACT = 128;
    private static final int SUB_BUCKETS = 64;
    private static final int SUB_BITS = 6;
    private static final int BUCKETS = EXACT + 58 * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    public void record(long value) {
        long v = Math.max(0, value);
        counts.incrementAndGet(indexOf(v));
        total.incrementAndGet();
        max.accumulateAndGet(v, Math::max);
    }

    public long count() {
        return total.get();
    }

    public long max() {
        return max.get();
    }

    public void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
        total.set(0);
        max.set(0);
    }

    /**
     * The value at or below which {@code percentile} % of the recorded values fall, reported as
     * the highest value of its bucket (never above the recorded maximum); 0 when empty.
     */
    public long percentile(double percentile) {
        if (percentile < 0 || percentile > 100) {
            throw new IllegalArgumentException("percentile must be within [0, 100], got " + percentile);
        }
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(highestValueOf(i), max.get());
            }
        }
        return max.get();
    }

    static int indexOf(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int shift = (63 - Long.numberOfLeadingZeros(v)) - SUB_BITS;
        int sub = (int) (v >>> shift) - SUB_BUCKETS;
        return EXACT + (shift - 1) * SUB_BUCKETS + sub;
    }

    static long highestValueOf(int index) {
        if (index < EXACT) {
            return index;
        }
        int shift = (index - EXACT) / SUB_BUCKETS + 1;
        long sub = (index - EXACT) % SUB_BUCKETS + SUB_BUCKETS;
        return ((sub + 1) << shift) - 1;
    }
}
