package org.civicpress.realtime.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts open WebSockets per client IP and per user ({@code rate_limiting.connections_per_ip} and
 * {@code connections_per_user}). {@link #tryOpen} either hands out a {@link Lease} (released when the
 * socket ends) or refuses; a refusal changes no count. Anonymous connections (user id null) are
 * limited per IP only. A WebSocket learns its user only after authentication (which completes after the
 * upgrade): it opens a lease for its IP first and {@link Lease#attachUser attaches} the user later. Counts
 * are per node (this object), not cluster-wide. Thread-safe: called from HTTP request threads and stream completion callbacks.
 */
final class ConnectionLimiter {
    private final int perIp;
    private final int perUser;
    private final ConcurrentMap<String, Integer> byIp = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> byUser = new ConcurrentHashMap<>();

    ConnectionLimiter(int perIp, int perUser) {
        if (perIp < 1 || perUser < 1) {
            throw new IllegalArgumentException("connection limits must be >= 1, were " + perIp + "/" + perUser);
        }
        this.perIp = perIp;
        this.perUser = perUser;
    }

    /** Why a connection was refused. */
    enum Refusal {
        IP,
        USER
    }

    /** Either a lease or a refusal. */
    record Outcome(Lease lease, Refusal refusal) {
        boolean granted() {
            return lease != null;
        }
    }

    /** One counted connection; {@link #release()} is idempotent. */
    final class Lease {
        private final String ip;
        private String userId;
        private boolean released;

        private Lease(String ip, String userId) {
            this.ip = ip;
            this.userId = userId;
        }

        /**
         * Counts this connection for {@code user} too (once authenticated); false, changing no count, when the
         * user already has {@code connections_per_user} open, or when the lease was already released (the
         * socket ended while authentication ran). A null user (anonymous) is always granted.
         */
        synchronized boolean attachUser(String user) {
            if (released) return false;
            if (userId != null) return userId.equals(user);
            if (user == null) return true;
            if (!increment(byUser, user, perUser)) return false;
            userId = user;
            return true;
        }

        synchronized void release() {
            if (!released) {
                released = true;
                decrement(byIp, ip);
                if (userId != null) {
                    decrement(byUser, userId);
                }
            }
        }
    }

    Outcome tryOpen(String ip, String userId) {
        if (!increment(byIp, ip, perIp)) {
            return new Outcome(null, Refusal.IP);
        }
        if (userId != null && !increment(byUser, userId, perUser)) {
            decrement(byIp, ip); // leave the IP count exactly as it was
            return new Outcome(null, Refusal.USER);
        }
        return new Outcome(new Lease(ip, userId), null);
    }

    int openFromIp(String ip) {
        return byIp.getOrDefault(ip, 0);
    }

    int openForUser(String userId) {
        return byUser.getOrDefault(userId, 0);
    }

    private static boolean increment(ConcurrentMap<String, Integer> counts, String key, int limit) {
        boolean[] granted = {false};
        counts.compute(key, (k, open) -> {
            int now = open == null ? 0 : open;
            if (now >= limit) {
                return open;
            }
            granted[0] = true;
            return now + 1;
        });
        return granted[0];
    }

    private static void decrement(ConcurrentMap<String, Integer> counts, String key) {
        // Remove the entry at zero so that many distinct IPs do not accumulate in the map.
        counts.computeIfPresent(key, (k, open) -> open <= 1 ? null : open - 1);
    }
}
