package org.civicpress.realtime.services;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small dependency container: services are registered under a key with their type and a factory, and
 * created lazily, once, on first {@link #resolve}. Factories receive the container to resolve their own
 * dependencies; a dependency cycle fails with the whole path instead of overflowing the stack.
 * {@link #close()} closes created {@link AutoCloseable} services in reverse creation order.
 */
public final class ServiceContainer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceContainer.class);

    private record Registration<T>(String key, Class<T> type, Function<ServiceContainer, ? extends T> factory) {}

    private final Map<String, Registration<?>> registrations = new LinkedHashMap<>();
    private final Map<String, Object> instances = new LinkedHashMap<>();
    private final List<String> creationOrder = new ArrayList<>();
    // Resolution stack of the thread currently creating services (creation is serialized by the lock).
    private final Deque<String> resolving = new ArrayDeque<>();
    private boolean closed;

    public synchronized <T> ServiceContainer register(
            String key, Class<T> type, Function<ServiceContainer, ? extends T> factory) {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("service key must not be blank");
        if (registrations.containsKey(key)) {
            throw new IllegalStateException("Service '" + key + "' is already registered");
        }
        registrations.put(key, new Registration<>(key, type, factory));
        return this;
    }

    public synchronized <T> ServiceContainer registerInstance(String key, Class<T> type, T instance) {
        if (!type.isInstance(instance)) throw new IllegalArgumentException(instance + " is not a " + type.getName());
        register(key, type, c -> instance);
        return this;
    }

    public synchronized boolean has(String key) {
        return registrations.containsKey(key);
    }

    public synchronized List<String> keys() {
        return List.copyOf(registrations.keySet());
    }

    /** The service under {@code key}, created on first use. */
    public synchronized <T> T resolve(String key, Class<T> type) {
        if (closed) throw new IllegalStateException("ServiceContainer is closed");
        Registration<?> reg = registrations.get(key);
        if (reg == null) throw new ServiceContainerError.NotFound(key, registrations.keySet());
        if (!type.isAssignableFrom(reg.type())) throw new ServiceContainerError.WrongType(key, reg.type(), type);
        Object existing = instances.get(key);
        if (existing != null) return type.cast(existing);
        if (resolving.contains(key)) {
            List<String> path = new ArrayList<>();
            boolean inCycle = false;
            for (var it = resolving.descendingIterator(); it.hasNext(); ) {
                String k = it.next();
                if (k.equals(key)) inCycle = true;
                if (inCycle) path.add(k);
            }
            path.add(key);
            throw new ServiceContainerError.Cycle(path);
        }
        resolving.push(key);
        Object created;
        try {
            created = reg.factory().apply(this);
        } catch (ServiceContainerError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ServiceContainerError.CreationFailed(key, e);
        } finally {
            resolving.pop();
        }
        if (created == null) {
            throw new ServiceContainerError.CreationFailed(key, new NullPointerException("factory returned null"));
        }
        if (!reg.type().isInstance(created))
            throw new ServiceContainerError.WrongType(key, created.getClass(), reg.type());
        instances.put(key, created);
        creationOrder.add(key);
        return type.cast(created);
    }

    /** Empty when nothing is registered under {@code key}; other resolution errors still throw. */
    public synchronized <T> Optional<T> resolveOptional(String key, Class<T> type) {
        return registrations.containsKey(key) ? Optional.of(resolve(key, type)) : Optional.empty();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (int i = creationOrder.size() - 1; i >= 0; i--) {
            String key = creationOrder.get(i);
            if (instances.get(key) instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("Closing service '{}' failed", key, e);
                }
            }
        }
        instances.clear();
    }
}
