package org.civicpress.realtime.hooks;

import java.util.function.Consumer;

/**
 * Publish/subscribe bus for {@link HookEvent}s.
 *
 * <p>{@link #emit} is called from actors: it must never block and never throw. Listener exceptions
 * are logged and swallowed. Listeners subscribed to {@link HookEvents#ANY} receive every event.
 */
public interface HookSystem {

    void emit(HookEvent event);

    /** Subscribes a listener; the returned Runnable unsubscribes it. */
    Runnable on(String event, Consumer<HookEvent> listener);

    /** An in-process bus delivering on one daemon thread, in emit order. */
    static HookSystem inProcess() {
        return new InProcessHookSystem();
    }
}
