package org.civicpress.realtime.hooks;

/** Callbacks for metrics: one call per finished HTTP attempt and per dead-lettered entry. */
public interface WebhookDeliveryObserver {
    WebhookDeliveryObserver NONE = new WebhookDeliveryObserver() {};

    default void delivered(String targetUrl, String event) {}

    default void failedAttempt(String targetUrl, String event, String error) {}

    default void deadLettered(String targetUrl, String event) {}

    default void pendingChanged(int pending) {}
}
