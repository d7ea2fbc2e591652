package org.civicpress.realtime.hooks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.civicpress.realtime.errors.JsonWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers hook events to the configured webhook targets, at least once.
 *
 * <p>{@link #enqueue} appends one entry per target that subscribed to the event to the {@link WebhookOutbox}
 * and returns only once it is fsynced (group commit): the hook system calls it inside {@code emit}, so an
 * event that was emitted survives kill -9 (see docs/hooks.md for which events that guarantees). Each attempt
 * POSTs the stored JSON body with {@code X-Realtime-Signature: sha256=<hmac>}, {@code X-Realtime-Event-Id}
 * (the event's id: stable across retries and restarts, receivers deduplicate on it), {@code X-Realtime-Event}
 * and {@code X-Realtime-Delivery-Attempt}. A 2xx answer marks the entry delivered; anything else is retried
 * with exponential backoff until the target's {@code max_attempts}, then the entry is written to
 * {@code dead-letter.log} with the last error. On start, undelivered entries of a previous run are
 * redelivered. No ordering is guaranteed.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final Map<String, WebhookTarget> targetsByUrl = new LinkedHashMap<>();
    private final WebhookOutbox outbox;
    private final RetryPolicy retry;
    private final WebhookDeliveryObserver observer;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closed;

    public WebhookDispatcher(List<WebhookTarget> targets, Path outboxDir) {
        this(targets, outboxDir, RetryPolicy.DEFAULT, WebhookDeliveryObserver.NONE);
    }

    public WebhookDispatcher(
            List<WebhookTarget> targets, Path outboxDir, RetryPolicy retry, WebhookDeliveryObserver observer) {
        for (WebhookTarget t : targets) targetsByUrl.putIfAbsent(t.url(), t);
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

    /**
     * Durably records one delivery per interested target (returns once fsynced), then starts delivering.
     * Never throws: if the outbox write fails the event is lost (logged, counted as a failed attempt); if only
     * the fsync fails it is still sent, but a crash may lose it. Called by the hook system inside {@code emit}.
     */
    public void enqueue(HookEvent event) {
        if (closed) {
            log.warn("Webhook dispatcher closed: {} {} is not recorded", event.event(), event.id());
            return;
        }
        byte[] body = null;
        List<WebhookOutbox.Entry> entries = new ArrayList<>();
        for (WebhookTarget target : targetsByUrl.values()) {
            if (!target.wants(event.event())) continue;
            if (body == null) body = payload(event);
            entries.add(new WebhookOutbox.Entry(
                    UUID.randomUUID().toString(),
                    event.id(),
                    event.event(),
                    target.url(),
                    Instant.now(),
                    body,
                    0,
                    null));
        }
        if (entries.isEmpty()) return;
        try {
            outbox.append(entries);
        } catch (IOException | RuntimeException e) {
            log.error("Cannot record webhook delivery of {} {} durably in the outbox", event.event(), event.id(), e);
            for (WebhookOutbox.Entry entry : entries)
                observer.failedAttempt(entry.targetUrl(), event.event(), e.toString());
        }
        observer.pendingChanged(outbox.pendingCount());
        for (WebhookOutbox.Entry entry : entries) {
            if (outbox.get(entry.id()) != null) schedule(entry.id(), Duration.ZERO);
        }
    }

    public int pendingCount() {
        return outbox.pendingCount();
    }

    long outboxFsyncs() {
        return outbox.fsyncCount();
    }

    public Path deadLetterFile() {
        return outbox.deadLetterFile();
    }

    /**
     * The JSON body POSTed to webhook targets: {@code id} (unique per event), {@code event}, {@code timestamp},
     * then roomId, roomType, node, clientId, userId, correlationId when set, and {@code data}.
     */
    static byte[] payload(HookEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("event", e.event());
        m.put("timestamp", e.timestamp().toString());
        putIfSet(m, "roomId", e.roomId());
        putIfSet(m, "roomType", e.roomType());
        putIfSet(m, "node", e.node());
        putIfSet(m, "clientId", e.clientId());
        putIfSet(m, "userId", e.userId());
        putIfSet(m, "correlationId", e.correlationId());
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
        WebhookTarget target = targetsByUrl.get(entry.targetUrl());
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
                log.debug(
                        "Delivered {} {} to {} (attempt {})", entry.event(), entry.eventId(), target.url(), attemptNo);
            } else {
                String reason =
                        error != null ? describe(error) : "HTTP " + response.statusCode() + snippet(response.body());
                failed(entry, target, attemptNo, reason);
            }
        });
    }

    private void failed(WebhookOutbox.Entry entry, WebhookTarget target, int attemptNo, String reason) {
        observer.failedAttempt(target.url(), entry.event(), reason);
        if (attemptNo >= target.maxAttempts()) {
            log.warn(
                    "Webhook {} {} to {} failed {} times, dead-lettered: {}",
                    entry.event(),
                    entry.eventId(),
                    target.url(),
                    attemptNo,
                    reason);
            outbox.recordAttempt(entry.id(), attemptNo, reason);
            outbox.deadLetter(entry.id(), reason);
            observer.deadLettered(target.url(), entry.event());
            observer.pendingChanged(outbox.pendingCount());
            return;
        }
        outbox.recordAttempt(entry.id(), attemptNo, reason);
        Duration delay = retry.delayAfter(attemptNo);
        log.info(
                "Webhook {} to {} attempt {} failed ({}), retrying in {} ms",
                entry.event(),
                target.url(),
                attemptNo,
                reason,
                delay.toMillis());
        schedule(entry.id(), delay);
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
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
