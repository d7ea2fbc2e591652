package org.civicpress.realtime.room;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Wall-clock milliseconds that never go back within this JVM. Wall clock, not nanoTime: room incarnation
 * lifetimes logged by different processes on one machine are compared with each other (ClusterIT).
 */
final class IncarnationClock {
    private static final AtomicLong LAST = new AtomicLong();

    private IncarnationClock() {}

    static long nowMillis() {
        return LAST.accumulateAndGet(System.currentTimeMillis(), Math::max);
    }
}
