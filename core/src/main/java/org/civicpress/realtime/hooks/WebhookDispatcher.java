package org.civicpress.realtime.hooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.civicpress.realtime.config.RealtimeConfig.Webhook;
import org.civicpress.realtime.errors.JsonWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers hook events to the configured webhook targets, at least once.
 *
 * <p>For every event and every target that subscribed to it, an entry is appended (fsync) to the
 * {@link WebhookOutbox} BEFORE the first HTTP attempt. Each attempt POSTs the stored JSON body with
 * {@code X-Realtime-Signature: sha256=<hmac>}, {@code X-Realtime-Event-Id} (stable across retries and
 * restarts: receivers deduplicate on it), {@code X-Realtime-Event} and {@code X-Realtime-Delivery-Attempt}.
 * A 2xx answer marks the entry delivered; anything else is retried with exponential backoff until the
 * target's {@code max_attempts}, then the entry is written to {@code dead-letter.log} with the last error.
 * On start, undelivered entries of a previous run are redelivered. No ordering is guaranteed.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final Map<String, Webhook> targetsByUrl = new LinkedHashMap<>();
    private final WebhookOutbox outbox;
    private final RetryPolicy retry;
    private final WebhookDeliveryObserver observer;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    public WebhookDispatcher(List<Webhook> targets, Path outboxDir) {
        this(targets, outboxDir, RetryPolicy.DEFAULT, WebhookDeliveryObserver.NONE);
    }

    public WebhookDispatcher(List<Webhook> targets, Path outboxDir, RetryPolicy retry,
                             WebhookDeliveryObserver observer) {
        for (Webhook t : targets) targetsByUrl.putIfAbsent(t.url(), t);
        this.retry = retry;
        this.observer = observer;
        long n = INSTANCES.incrementAndGet();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "realtime-webhooks-" + n);
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.outbox = WebhookOutbox.open(outboxDir);
        List<WebhookOutbox.Entry> recovered = outbox.pending();
        for (WebhookOutbox.Entry e : recovered) {
            if (targetsByUrl.containsKey(e.targetUrl())) {
                schedule(e.id(), Duration.ZERO);
            } else {
                outbox.deadLetter(e.id(), "webhook target is no longer configured");
                observer.deadLettered(e.targetUrl(), e.event());
            }
        }
        if (!recovered.isEmpty()) log.info("Redelivering {} webhook deliveries from {}", recovered.size(), outboxDir);
        observer.pendingChanged(outbox.pendingCount());
    }

    /** Subscribes to every event of {@code hooks}; the returned Runnable unsubscribes. */
    public Runnable attach(HookSystem hooks) {
        return hooks.on(HookEvents.ANY, this::enqueue);
    }

    /**
     * Durably records one delivery per interested target, then starts delivering. Blocks for the fsync:
     * call it from the hook system's thread, never from an actor.
     */
    public void enqueue(HookEvent event) {
        if (closed) return;
        String eventId = UUID.randomUUID().toString();
        byte[] body = null;
        for (Webhook target : targetsByUrl.values()) {
            if (!target.wants(event.event())) continue;
            if (body == null) body = payload(eventId, event);
            WebhookOutbox.Entry entry = new WebhookOutbox.Entry(UUID.randomUUID().toString(), eventId, event.event(),
                    target.url(), Instant.now(), body, 0, null);
            try {
                outbox.append(entry);
            } catch (IOException e) {
                log.error("Cannot record webhook delivery of {} to {}: event not delivered", event.event(),
                        target.url(), e);
                observer.failedAttempt(target.url(), event.event(), e.toString());
                continue;
            }
            observer.pendingChanged(outbox.pendingCount());
            schedule(entry.id(), Duration.ZERO);
        }
    }

    public int pendingCount() {
        return outbox.pendingCount();
    }

    public Path deadLetterFile() {
        return outbox.deadLetterFile();
    }

    /** The JSON body POSTed to webhook targets. */
    static byte[] payload(String eventId, HookEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", eventId);
        m.put("event", e.event());
        m.put("timestamp", e.timestamp().toString());
        putIfSet(m, "roomId", e.roomId());
        putIfSet(m, "roomType", e.roomType());
        putIfSet(m, "node", e.node());
        putIfSet(m, "clientId", e.clientId());
        putIfSet(m, "userId", e.userId());
        m.put("correlationId", e.correlationId());
        m.put("data", e.data());
        return JsonWriter.write(m).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void putIfSet(Map<String, Object> m, String k, String v) {
        if (v != null) m.put(k, v);
    }

    private void schedule(String id, Duration delay) {
        if (closed) return;
        try {
            scheduler.schedule(() -> attempt(id), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Dispatcher closed; delivery {} stays in the outbox", id);
        }
    }

    private void attempt(String id) {
        if (closed) return;
        WebhookOutbox.Entry entry = outbox.get(id);
        if (entry == null) return;
        Webhook target = targetsByUrl.get(entry.targetUrl());
        int attemptNo = entry.attempts() + 1;
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(target.url()))
                    .timeout(target.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "civicpress-realtime-webhooks")
                    .header(WebhookSigner.SIGNATURE_HEADER, WebhookSigner.sign(target.secret(), entry.payload()))
                    .header(WebhookSigner.EVENT_ID_HEADER, entry.eventId())
                    .header(WebhookSigner.EVENT_HEADER, entry.event())
                    .header(WebhookSigner.ATTEMPT_HEADER, Integer.toString(attemptNo))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(entry.payload()))
                    .build();
        } catch (RuntimeException e) {
            failed(entry, target, attemptNo, "cannot build request: " + e.getMessage());
            return;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (closed) return; // simulated or real shutdown: the entry stays pending on disk
            if (error == null && response.statusCode() / 100 == 2) {
                outbox.markDelivered(entry.id());
                observer.delivered(target.url(), entry.event());
                observer.pendingChanged(outbox.pendingCount());
                log.debug("Delivered {} {} to {} (attempt {})", entry.event(), entry.eventId(), target.url(), attemptNo);
            } else {
                String reason = error != null ? describe(error) : "HTTP " + response.statusCode() + snippet(response.body());
                failed(entry, target, attemptNo, reason);
            }
        });
    }

    private void failed(WebhookOutbox.Entry entry, Webhook target, int attemptNo, String reason) {
        observer.failedAttempt(target.url(), entry.event(), reason);
        if (attemptNo >= target.maxAttempts()) {
            log.warn("Webhook {} {} to {} failed {} times, dead-lettered: {}", entry.event(), entry.eventId(),
                    target.url(), attemptNo, reason);
            outbox.recordAttempt(entry.id(), attemptNo, reason);
            outbox.deadLetter(entry.id(), reason);
            observer.deadLettered(target.url(), entry.event());
            observer.pendingChanged(outbox.pendingCount());
            return;
        }
        outbox.recordAttempt(entry.id(), attemptNo, reason);
        Duration delay = retry.delayAfter(attemptNo);
        log.info("Webhook {} to {} attempt {} failed ({}), retrying in {} ms", entry.event(), target.url(), attemptNo,
                reason, delay.toMillis());
        schedule(entry.id(), delay);
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String snippet(String body) {
        if (body == null || body.isBlank()) return "";
        String s = body.strip();
        return ": " + (s.length() > 200 ? s.substring(0, 200) + "..." : s);
    }

    /** Stops delivering; pending entries stay in the outbox for the next start. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        outbox.close();
    }
}
