package org.civicpress.realtime.hooks;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff between webhook attempts: {@code initial * 2^(attempt-1)}, capped at {@code max},
 * multiplied by a random factor in [1 - jitter, 1] so that many failed deliveries do not retry in step.
 */
public record RetryPolicy(Duration initial, Duration max, double jitter) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2);

    public RetryPolicy {
        if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial must be > 0");
        if (max.compareTo(initial) < 0) throw new IllegalArgumentException("max must be >= initial");
        if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1)");
    }

    /** Delay before attempt number {@code failedAttempts + 1}. */
    public Duration delayAfter(int failedAttempts) {
        long base = initial.toMillis();
        int shift = Math.min(Math.max(failedAttempts - 1, 0), 30);
        long millis = Math.min(max.toMillis(), base << shift);
        if (jitter > 0)
            millis = (long) (millis * (1 - jitter * ThreadLocalRandom.current().nextDouble()));
        return Duration.ofMillis(Math.max(1, millis));
    }
}
