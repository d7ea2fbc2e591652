package org.civicpress.realtime.hooks;

import java.util.function.Consumer;

/**
 * Publish/subscribe bus for {@link HookEvent}s.
 *
 * <p>{@link #emit} never throws. With a {@link WebhookDispatcher}, it returns only once the event's
 * webhook deliveries are fsynced in the outbox (group commit, typically a millisecond or two; shared
 * by concurrent emitters): an event that was emitted is delivered at least once even after kill -9.
 * Without one it only enqueues. Listeners run on one daemon thread, in emit order; their exceptions are
 * logged and swallowed. Listeners subscribed to {@link HookEvents#ANY} receive every event.
 */
public interface HookSystem {

    void emit(HookEvent event);

    /** Subscribes a listener; the returned Runnable unsubscribes it. */
    Runnable on(String event, Consumer<HookEvent> listener);

    /** An in-process bus delivering on one daemon thread, in emit order; no webhooks. */
    static HookSystem inProcess() {
        return new InProcessHookSystem(null);
    }

    /**
     * As {@link #inProcess()}, and {@code emit} records each event in {@code webhooks}' durable outbox
     * before returning. Close the hook system before the dispatcher (the service container does).
     */
    static HookSystem inProcess(WebhookDispatcher webhooks) {
        return new InProcessHookSystem(webhooks);
    }
}
