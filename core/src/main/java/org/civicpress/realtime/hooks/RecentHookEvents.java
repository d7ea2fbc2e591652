package org.civicpress.realtime.hooks;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The last {@code capacity} hook events of this node, for the admin inspector ({@code GET /api/events}), and
 * live subscribers for its event stream. A {@link HookSystem} listener on {@link HookEvents#ANY}: it runs on the
 * hook system's listener thread, never on a room actor, so recording costs a room nothing.
 *
 * <p>Bounded: the buffer keeps {@code capacity} events, the oldest dropped first. Subscribers are called on the
 * listener thread and must not block (the admin stream offers into a bounded queue and drops itself when
 * that is full); a subscriber that throws is unsubscribed.
 */
public final class RecentHookEvents implements Consumer<HookEvent> {

    /** One recorded event; {@code seq} counts from 1 on this node, so a reader sees what it missed. */
    public record Recorded(long seq, HookEvent event) {}

    /** What {@link #subscribe} returns: the events recorded so far (oldest first), and how to unsubscribe. */
    public record Subscription(List<Recorded> recent, Runnable cancel) {}

    private final int capacity;
    private final ArrayDeque<Recorded> buffer;
    private final List<Consumer<Recorded>> subscribers = new CopyOnWriteArrayList<>();
    private long seq;

    public RecentHookEvents(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        this.capacity = capacity;
        this.buffer = new ArrayDeque<>(capacity);
    }

    /** A buffer of {@code capacity} events listening to every event of {@code hooks}. */
    public static RecentHookEvents attach(HookSystem hooks, int capacity) {
        RecentHookEvents recent = new RecentHookEvents(capacity);
        hooks.on(HookEvents.ANY, recent);
        return recent;
    }

    public int capacity() {
        return capacity;
    }

    @Override
    public void accept(HookEvent event) {
        Recorded recorded;
        synchronized (this) {
            recorded = new Recorded(++seq, event);
            if (buffer.size() == capacity) buffer.removeFirst();
            buffer.addLast(recorded);
            // Under the lock: a subscriber registered in subscribe() sees every event after its snapshot, once.
            for (Consumer<Recorded> subscriber : subscribers) {
                try {
                    subscriber.accept(recorded);
                } catch (RuntimeException e) {
                    subscribers.remove(subscriber);
                }
            }
        }
    }

    /** The recorded events, oldest first. */
    public synchronized List<Recorded> recent() {
        return List.copyOf(buffer);
    }

    /**
     * {@code subscriber} gets every event recorded from now on (on the hook listener thread: it must not
     * block); the returned snapshot has the ones before, with no gap and no overlap.
     */
    public synchronized Subscription subscribe(Consumer<Recorded> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscribers.add(subscriber);
        return new Subscription(List.copyOf(buffer), () -> subscribers.remove(subscriber));
    }

    /** How many subscribers are registered (the admin stream caps them). */
    public int subscribers() {
        return subscribers.size();
    }
}
