package org.civicpress.realtime.services;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link CacheService} in a ConcurrentHashMap. Expired entries are dropped on read and when the cache
 * reaches {@code maxEntries}; if still full, the entry closest to expiry is evicted.
 */
public final class InMemoryCacheService implements CacheService {
    private record Entry(Object value, Instant expiresAt) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Clock clock;

    public InMemoryCacheService() {
        this(10_000, Clock.systemUTC());
    }

    public InMemoryCacheService(int maxEntries, Clock clock) {
        if (maxEntries < 1) throw new IllegalArgumentException("maxEntries must be >= 1");
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public <T> Optional<T> get(String key, Class<T> type) {
        Entry e = entries.get(key);
        if (e == null) return Optional.empty();
        if (!e.expiresAt().isAfter(clock.instant())) {
            entries.remove(key, e);
            return Optional.empty();
        }
        return type.isInstance(e.value()) ? Optional.of(type.cast(e.value())) : Optional.empty();
    }

    @Override
    public void put(String key, Object value, Duration ttl) {
        if (value == null) {
            remove(key);
            return;
        }
        if (entries.size() >= maxEntries && !entries.containsKey(key)) evict();
        entries.put(key, new Entry(value, clock.instant().plus(ttl)));
    }

    private synchronized void evict() {
        Instant now = clock.instant();
        entries.entrySet().removeIf(e -> !e.getValue().expiresAt().isAfter(now));
        while (entries.size() >= maxEntries) {
            entries.entrySet().stream()
                    .min(Map.Entry.comparingByValue((a, b) -> a.expiresAt().compareTo(b.expiresAt())))
                    .ifPresent(e -> entries.remove(e.getKey()));
        }
    }

    @Override
    public void remove(String key) {
        entries.remove(key);
    }

    @Override
    public void clear() {
        entries.clear();
    }

    @Override
    public int size() {
        return entries.size();
    }
}
