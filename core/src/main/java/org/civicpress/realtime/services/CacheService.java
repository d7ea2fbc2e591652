package org.civicpress.realtime.services;

import java.time.Duration;
import java.util.Optional;

/** Key/value cache with per-entry time to live (e.g. verified tokens). In memory by default. */
public interface CacheService {
    <T> Optional<T> get(String key, Class<T> type);

    void put(String key, Object value, Duration ttl);

    void remove(String key);

    void clear();

    int size();
}
