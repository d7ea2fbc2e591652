package org.civicpress.realtime.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.civicpress.realtime.hooks.WebhookDeliveryObserver;

/**
 * Prometheus metrics of one realtime node, in a private registry (several nodes or tests in one JVM do
 * not collide). Every method is cheap and thread-safe: call them from actors directly.
 * {@link #scrape()} returns the text exposition for the {@code GET /metrics} route.
 *
 * <p>Updates per second are derived in PromQL: {@code rate(realtime_updates_applied_total[1m])}.
 */
public final class RealtimeMetrics {
    /** Content type of {@link #scrape()} (Prometheus text format 0.0.4). */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);

    private final Gauge roomsActive = Gauge.builder()
            .name("realtime_rooms_active")
            .help("Rooms currently loaded on this node")
            .register(registry);
    private final Counter roomsStarted = Counter.builder()
            .name("realtime_rooms_started_total")
            .help("Rooms loaded (created or recovered) on this node")
            .withoutExemplars()
            .register(registry);
    private final Gauge connectionsActive = Gauge.builder()
            .name("realtime_connections_active")
            .help("Open WebSocket connections")
            .register(registry);
    private final Counter connectionsOpened = Counter.builder()
            .name("realtime_connections_opened_total")
            .help("WebSocket connections accepted")
            .withoutExemplars()
            .register(registry);
    private final Counter updatesApplied = Counter.builder()
            .name("realtime_updates_applied_total")
            .help("Yjs updates applied to room documents")
            .withoutExemplars()
            .register(registry);
    private final Counter updateBytes = Counter.builder()
            .name("realtime_update_bytes_total")
            .help("Bytes of Yjs updates applied")
            .withoutExemplars()
            .register(registry);
    private final Histogram journalWriteSeconds = Histogram.builder()
            .name("realtime_journal_write_seconds")
            .help("Latency of one journal write (one group-committed batch), from persist to confirmation")
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .withoutExemplars()
            .register(registry);
    private final Histogram journalBatchUpdates = Histogram.builder()
            .name("realtime_journal_batch_updates")
            .help("Updates per journal write (group commit size)")
            .classicOnly()
            .classicUpperBounds(1, 2, 5, 10, 20, 50, 100, 200, 500)
            .withoutExemplars()
            .register(registry);
    private final Counter snapshotsSaved = Counter.builder()
            .name("realtime_snapshots_saved_total")
            .help("Room snapshots saved")
            .withoutExemplars()
            .register(registry);
    private final Counter snapshotBytes = Counter.builder()
            .name("realtime_snapshot_bytes_total")
            .help("Bytes of room snapshots saved")
            .withoutExemplars()
            .register(registry);
    private final Counter messagesRejected = Counter.builder()
            .name("realtime_messages_rejected_total")
            .help("Client messages rejected, by reason")
            .labelNames("reason")
            .withoutExemplars()
            .register(registry);
    private final Counter webhookDeliveries = Counter.builder()
            .name("realtime_webhook_deliveries_total")
            .help("Webhook HTTP attempts and dead letters, by result (success, failure, dead_letter)")
            .labelNames("result")
            .withoutExemplars()
            .register(registry);
    private final Gauge webhookPending = Gauge.builder()
            .name("realtime_webhook_outbox_pending")
            .help("Webhook deliveries waiting in the outbox")
            .register(registry);

    public RealtimeMetrics() {
        for (String r : new String[] {"success", "failure", "dead_letter"}) webhookDeliveries.initLabelValues(r);
    }

    public void roomStarted() {
        roomsActive.inc();
        roomsStarted.inc();
    }

    public void roomStopped() {
        roomsActive.dec();
    }

    public void connectionOpened() {
        connectionsActive.inc();
        connectionsOpened.inc();
    }

    public void connectionClosed() {
        connectionsActive.dec();
    }

    public void updatesApplied(int count, long bytes) {
        updatesApplied.inc(count);
        updateBytes.inc(bytes);
    }

    /** One journal write of {@code batchSize} updates took {@code latency}. */
    public void journalWrite(Duration latency, int batchSize) {
        journalWriteSeconds.observe(latency.toNanos() / 1e9);
        journalBatchUpdates.observe(batchSize);
    }

    public void snapshotSaved(long bytes) {
        snapshotsSaved.inc();
        snapshotBytes.inc(bytes);
    }

    /** {@code reason}: a short fixed label such as "invalid_update", "too_big", "rate_limited" (bounded set!). */
    public void messageRejected(String reason) {
        messagesRejected.labelValues(reason).inc();
    }

    /** Feeds webhook results into the metrics; pass it to the WebhookDispatcher. */
    public WebhookDeliveryObserver webhookObserver() {
        return new WebhookDeliveryObserver() {
            @Override
            public void delivered(String url, String event) {
                webhookDeliveries.labelValues("success").inc();
            }

            @Override
            public void failedAttempt(String url, String event, String error) {
                webhookDeliveries.labelValues("failure").inc();
            }

            @Override
            public void deadLettered(String url, String event) {
                webhookDeliveries.labelValues("dead_letter").inc();
            }

            @Override
            public void pendingChanged(int pending) {
                webhookPending.set(pending);
            }
        };
    }

    /** The registry, for extra application metrics (e.g. JVM instrumentation). */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** Text exposition (Prometheus format 0.0.4) of every metric, for {@code GET /metrics}. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
