package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.civicpress.realtime.config.RealtimeConfig;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {

    @Test
    void theConnectionOverThePerIpLimitIsRefusedAndAReleaseMakesRoom() {
        ConnectionLimiter limiter = new ConnectionLimiter(3, 10);
        List<ConnectionLimiter.Lease> leases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ConnectionLimiter.Outcome outcome = limiter.tryOpen("10.0.0.1", null);
            assertTrue(outcome.granted(), "connection " + (i + 1));
            leases.add(outcome.lease());
        }
        ConnectionLimiter.Outcome fourth = limiter.tryOpen("10.0.0.1", null);
        assertFalse(fourth.granted());
        assertEquals(ConnectionLimiter.Refusal.IP, fourth.refusal());
        assertEquals(3, limiter.openFromIp("10.0.0.1"), "a refusal changes no count");
        assertTrue(limiter.tryOpen("10.0.0.2", null).granted(), "other addresses have their own count");

        leases.get(0).release();
        leases.get(0).release(); // idempotent: the socket end may be reported twice
        assertEquals(2, limiter.openFromIp("10.0.0.1"));
        assertTrue(limiter.tryOpen("10.0.0.1", null).granted());
    }

    @Test
    void usersAreLimitedAcrossAddressesAndARefusalLeavesTheIpCountAlone() {
        ConnectionLimiter limiter = new ConnectionLimiter(100, 2);
        ConnectionLimiter.Lease first = limiter.tryOpen("10.0.0.1", "alice").lease();
        assertTrue(limiter.tryOpen("10.0.0.2", "alice").granted());
        ConnectionLimiter.Outcome third = limiter.tryOpen("10.0.0.3", "alice");
        assertEquals(ConnectionLimiter.Refusal.USER, third.refusal());
        assertEquals(0, limiter.openFromIp("10.0.0.3"), "the refused connection's IP count was rolled back");
        assertEquals(2, limiter.openForUser("alice"));
        assertTrue(limiter.tryOpen("10.0.0.3", "bob").granted());

        first.release();
        assertEquals(1, limiter.openForUser("alice"));
        assertEquals(0, limiter.openFromIp("10.0.0.1"), "entries at zero are dropped");
        assertTrue(limiter.tryOpen("10.0.0.3", "alice").granted());
    }

    @Test
    void aUserAttachedAfterAuthenticationIsLimitedAndAReleasedLeaseAttachesNothing() {
        ConnectionLimiter limiter = new ConnectionLimiter(100, 1);
        ConnectionLimiter.Lease first = limiter.tryOpen("10.0.0.1", null).lease();
        assertTrue(first.attachUser("alice"));
        assertTrue(first.attachUser("alice"), "attaching the same user again is idempotent");
        ConnectionLimiter.Lease second = limiter.tryOpen("10.0.0.2", null).lease();
        assertFalse(second.attachUser("alice"), "over connections_per_user");
        assertEquals(1, limiter.openForUser("alice"), "a refusal changes no count");
        assertTrue(second.attachUser(null), "anonymous: per IP only");
        second.release();

        ConnectionLimiter.Lease late = limiter.tryOpen("10.0.0.3", null).lease();
        late.release(); // the socket ended while authentication ran
        first.release();
        assertFalse(late.attachUser("bob"));
        assertEquals(0, limiter.openForUser("bob"));
        assertEquals(0, limiter.openForUser("alice"));
    }

    @Test
    void concurrentOpensNeverExceedTheLimit() throws Exception {
        ConnectionLimiter limiter = new ConnectionLimiter(50, 10);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                attempts.add(pool.submit(() -> limiter.tryOpen("10.0.0.9", null).granted()));
            }
            int granted = 0;
            for (Future<Boolean> attempt : attempts) {
                granted += attempt.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(50, granted);
            assertEquals(50, limiter.openFromIp("10.0.0.9"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void limitsBelowOneAreATypedError() {
        assertThrows(IllegalArgumentException.class, () -> new ConnectionLimiter(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConnectionLimiter(1, 0));
    }

    @Test
    void theMessageBurstIsBurstSecondsWorth() {
        assertEquals(100, RealtimeConfig.RateLimiting.DEFAULTS.burstMessages());
        assertEquals(Integer.MAX_VALUE, new RealtimeConfig.RateLimiting(Integer.MAX_VALUE, 60, 1, 1).burstMessages());
    }
}
