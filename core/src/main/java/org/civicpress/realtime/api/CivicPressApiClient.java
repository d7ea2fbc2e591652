package org.civicpress.realtime.api;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.utils.Doc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DocumentApi} over HTTP ({@code java.net.http}, asynchronous), configured by {@code api.*}.
 *
 * <ul>
 *   <li><b>Initial content</b>: {@code GET initial_content_url}. 200 with {@code application/json}:
 *   {@code {"text": "..."}}, inserted into the document's {@code Y.Text} named {@code "content"}; 200 with any
 *   other content type: the body is one Yjs v1 update, used as is. 404 or 204 (or an empty text): the
 *   room starts empty.</li>
 *   <li><b>Snapshot push</b>: {@code POST snapshot_push_url} with the document JSON ({@link DocumentJson}) as body and headers
 *   {@code X-Realtime-Room} and {@code X-Realtime-Sequence-Nr} (retries may deliver an older snapshot after
 *   a newer one: the receiver keeps the highest sequence number).</li>
 *   <li>Both send {@code Authorization: Bearer <api.token>} when a token is set; the token is never logged.
 *   Connection errors, timeouts, 408, 429 and 5xx are retried up to {@code max_attempts} times with
 *   exponential backoff from {@code initial_backoff} (capped at 30 s); other statuses are final.</li>
 * </ul>
 */
public final class CivicPressApiClient implements DocumentApi {
    private static final Logger log = LoggerFactory.getLogger(CivicPressApiClient.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** The shared type the {"text": ...} form of initial content goes into. */
    public static final String CONTENT_TEXT = "content";

    private final RealtimeConfig.Api config;
    private final HttpClient http;

    public CivicPressApiClient(RealtimeConfig.Api config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** A client when {@code api} has anything configured, else null (rooms then skip the API). */
    public static CivicPressApiClient fromConfig(RealtimeConfig.Api api) {
        return api != null && api.enabled() ? new CivicPressApiClient(api) : null;
    }

    @Override
    public boolean providesInitialContent() {
        return config.initialContentUrl() != null;
    }

    @Override
    public boolean pushesSnapshots() {
        return config.snapshotPushUrl() != null;
    }

    @Override
    public CompletionStage<Optional<byte[]>> initialContent(String roomId) {
        if (!providesInitialContent()) return CompletableFuture.completedFuture(Optional.empty());
        URI uri = resolve(config.initialContentUrl(), roomId);
        HttpRequest request = request(uri)
                .GET()
                .header("Accept", "application/octet-stream, application/json;q=0.9")
                .build();
        return withRetries(
                "initial content of room " + roomId, request, HttpResponse.BodyHandlers.ofByteArray(), response -> {
                    int status = response.statusCode();
                    if (status == 404 || status == 204) return Optional.empty();
                    String type = response.headers()
                            .firstValue("Content-Type")
                            .orElse("")
                            .toLowerCase(Locale.ROOT);
                    return type.startsWith("application/json")
                            ? textAsUpdate(response.body())
                            : Optional.of(response.body());
                });
    }

    @Override
    public CompletionStage<Boolean> pushSnapshot(String roomId, long sequenceNr, byte[] encodedState) {
        if (!pushesSnapshots()) return CompletableFuture.completedFuture(false);
        return CompletableFuture.supplyAsync(() -> DocumentJson.of(encodedState))
                .thenCompose(json -> push(roomId, sequenceNr, json))
                .exceptionally(e -> {
                    log.error("CivicPress API: snapshot push of room {} failed: {}", roomId, e.toString());
                    return false;
                });
    }

    private CompletionStage<Boolean> push(String roomId, long sequenceNr, String documentJson) {
        HttpRequest request = request(resolve(config.snapshotPushUrl(), roomId))
                .header("Content-Type", "application/json")
                .header("X-Realtime-Room", roomId)
                .header("X-Realtime-Sequence-Nr", Long.toString(sequenceNr))
                .POST(HttpRequest.BodyPublishers.ofString(documentJson, StandardCharsets.UTF_8))
                .build();
        return withRetries(
                "snapshot push of room " + roomId, request, HttpResponse.BodyHandlers.discarding(), response -> {
                    if (response.statusCode() < 300) return true;
                    log.warn(
                            "CivicPress API: snapshot push of room {} got HTTP {} ({})",
                            roomId,
                            response.statusCode(),
                            request.uri());
                    return false;
                });
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("User-Agent", "civicpress-realtime");
        if (config.token() != null && !config.token().isBlank()) b.header("Authorization", "Bearer " + config.token());
        return b;
    }

    /** {@code {roomId}} replaced by the URL-encoded id; a template starting with '/' is relative to base_url. */
    URI resolve(String template, String roomId) {
        String url = template.replace(
                "{roomId}", URLEncoder.encode(roomId, StandardCharsets.UTF_8).replace("+", "%20"));
        if (url.startsWith("/")) url = config.baseUrl().replaceAll("/+$", "") + url;
        return URI.create(url);
    }

    private <B, T> CompletableFuture<T> withRetries(
            String what,
            HttpRequest request,
            HttpResponse.BodyHandler<B> handler,
            Function<HttpResponse<B>, T> onFinal) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(what, request, handler, onFinal, 1, result);
        return result;
    }

    private <B, T> void attempt(
            String what,
            HttpRequest request,
            HttpResponse.BodyHandler<B> handler,
            Function<HttpResponse<B>, T> onFinal,
            int attempt,
            CompletableFuture<T> result) {
        http.sendAsync(request, handler).whenComplete((response, error) -> {
            String failure;
            if (error != null) {
                failure = error.getClass().getSimpleName()
                        + (error.getMessage() != null ? ": " + error.getMessage() : "");
            } else if (retryable(response.statusCode())) {
                failure = "HTTP " + response.statusCode();
            } else if (response.statusCode() >= 300 && response.statusCode() != 404) {
                log.warn(
                        "CivicPress API: {} failed with HTTP {} ({}), not retried",
                        what,
                        response.statusCode(),
                        request.uri());
                result.completeExceptionally(new ApiException(what + ": HTTP " + response.statusCode()));
                return;
            } else {
                try {
                    result.complete(onFinal.apply(response));
                } catch (RuntimeException e) {
                    log.warn("CivicPress API: {} returned an unusable body ({})", what, e.getMessage());
                    result.completeExceptionally(e);
                }
                return;
            }
            if (attempt >= config.maxAttempts()) {
                log.error(
                        "CivicPress API: {} failed after {} attempts, giving up: {} ({})",
                        what,
                        attempt,
                        failure,
                        request.uri());
                result.completeExceptionally(
                        new ApiException(what + " failed after " + attempt + " attempts: " + failure));
                return;
            }
            Duration backoff = backoff(attempt);
            log.warn(
                    "CivicPress API: {} attempt {}/{} failed: {} ({}); retrying in {} ms",
                    what,
                    attempt,
                    config.maxAttempts(),
                    failure,
                    request.uri(),
                    backoff.toMillis());
            CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> attempt(what, request, handler, onFinal, attempt + 1, result));
        });
    }

    private Duration backoff(int failedAttempts) {
        Duration d = config.initialBackoff().multipliedBy(1L << Math.min(failedAttempts - 1, 20));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** {"text": "..."} as one Yjs update inserting the text into {@link #CONTENT_TEXT}. */
    static Optional<byte[]> textAsUpdate(byte[] json) {
        Object node;
        try {
            node = Json.parse(new String(json, StandardCharsets.UTF_8));
        } catch (InvalidUpdateException e) {
            throw new IllegalArgumentException("invalid JSON initial content: " + e.getMessage(), e);
        }
        if (!(node instanceof Map<?, ?> object) || !(object.get("text") instanceof String text)) {
            throw new IllegalArgumentException("expected {\"text\": \"...\"}");
        }
        if (text.isEmpty()) return Optional.empty();
        Doc doc = new Doc();
        doc.getText(CONTENT_TEXT).insert(0, text);
        return Optional.of(Y.encodeStateAsUpdate(doc));
    }

    /** The API could not be used (after retries, or a final error status). */
    public static final class ApiException extends RuntimeException {
        public ApiException(String message) {
            super(message);
        }
    }
}
