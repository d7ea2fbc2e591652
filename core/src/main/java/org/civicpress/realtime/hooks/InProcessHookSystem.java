package org.civicpress.realtime.hooks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Default {@link HookSystem}: emit only enqueues onto a single daemon thread, so actors never wait for
 * listeners (webhook outbox appends fsync, which must not run on a dispatcher thread).
 * One thread keeps delivery in emit order.
 */
final class InProcessHookSystem implements HookSystem, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InProcessHookSystem.class);
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final Map<String, List<Consumer<HookEvent>>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService executor;

    InProcessHookSystem() {
        long n = INSTANCES.incrementAndGet();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "realtime-hooks-" + n);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void emit(HookEvent event) {
        if (event == null) return;
        try {
            executor.execute(() -> deliver(event));
        } catch (RejectedExecutionException closed) {
            log.debug("Hook system closed, dropping {}", event.event());
        }
    }

    @Override
    public Runnable on(String event, Consumer<HookEvent> listener) {
        List<Consumer<HookEvent>> list = listeners.computeIfAbsent(event, k -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    private void deliver(HookEvent event) {
        notify(listeners.get(event.event()), event);
        if (!HookEvents.ANY.equals(event.event())) notify(listeners.get(HookEvents.ANY), event);
    }

    private static void notify(List<Consumer<HookEvent>> list, HookEvent event) {
        if (list == null) return;
        for (Consumer<HookEvent> l : list) {
            try {
                l.accept(event);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError vme) throw vme;
                log.warn("Hook listener for {} failed (correlationId={})", event.event(), event.correlationId(), e);
            }
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
