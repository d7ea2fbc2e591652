package org.civicpress.realtime.hooks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Default {@link HookSystem}. {@code emit} first records the event in the webhook outbox on the caller's
 * thread (fsync, group commit: the at-least-once promise needs the event on disk before the emitting
 * action goes on), then enqueues it for the listeners on a single daemon thread, so listeners never run
 * on the emitting actor and see events in emit order.
 *
 * <p>{@link #close()} waits for emits in progress, refuses later ones (logged), and drains the listener
 * queue: nothing emitted before close is dropped.
 */
final class InProcessHookSystem implements HookSystem, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InProcessHookSystem.class);
    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final long DRAIN_SECONDS = 30;

    private final Map<String, List<Consumer<HookEvent>>> listeners = new ConcurrentHashMap<>();
    private final WebhookDispatcher webhooks;
    private final ExecutorService executor;
    // Emits hold the read lock, close the write lock: close never runs in the middle of an emit.
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private boolean closed;

    InProcessHookSystem(WebhookDispatcher webhooks) {
        this.webhooks = webhooks;
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
        closing.readLock().lock();
        try {
            if (closed) {
                log.warn("Hook system closed: {} {} (room {}) dropped", event.event(), event.id(), event.roomId());
                return;
            }
            if (webhooks != null) webhooks.enqueue(event);
            executor.execute(() -> deliver(event));
        } catch (RejectedExecutionException cannotHappenWhileOpen) {
            log.warn("Hook listeners stopped: {} {} not passed to listeners", event.event(), event.id());
        } finally {
            closing.readLock().unlock();
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
                log.warn(
                        "Hook listener for {} failed (event id {}, correlationId={})",
                        event.event(),
                        event.id(),
                        event.correlationId(),
                        e);
            }
        }
    }

    /** Stops accepting events and waits (up to 30 s) until the listeners have seen every earlier one. */
    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            closing.writeLock().unlock();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                log.warn(
                        "Hook listeners still busy after {} s; {} queued events not passed to listeners",
                        DRAIN_SECONDS,
                        executor.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
