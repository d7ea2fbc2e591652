package org.civicpress.realtime.hooks;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Where the {@link WebhookDispatcher} POSTs which events, signed with {@code secret}. The hooks package
 * takes its own settings record (built by the services package from the configuration's
 * {@code webhooks[]}), so that hooks does not depend on config while config validates event names here.
 */
public record WebhookTarget(String url, String secret, Set<String> events, int maxAttempts, Duration timeout) {
    public WebhookTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(timeout, "timeout");
        events = Set.copyOf(events);
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    }

    /** True when this target subscribed to {@code event}. */
    public boolean wants(String event) {
        return HookEvents.subscribed(events, event);
    }

    @Override
    public String toString() {
        return "WebhookTarget[url=" + url + ", events=" + events + ", maxAttempts=" + maxAttempts + ", timeout="
                + timeout + "]"; // never the secret
    }
}
