package org.civicpress.realtime.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookDispatcherTest {
    private static final String SECRET = "test-secret";
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 0);

    @TempDir
    Path outbox;

    private WebhookReceiver receiver;
    private WebhookDispatcher dispatcher;

    @BeforeEach
    void start() throws IOException {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) dispatcher.close();
        receiver.close();
    }

    private WebhookTarget target(String path, int maxAttempts, String... events) {
        return new WebhookTarget(receiver.url(path), SECRET, Set.of(events), maxAttempts, Duration.ofSeconds(10));
    }

    private static HookEvent created(String room) {
        return HookEvent.ofRoom(HookEvents.ROOM_CREATED, room, "node-1", Map.of("reason", "first join"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void deliversSignedJsonWithEventIdHeader() throws Exception {
        RealtimeMetrics metrics = new RealtimeMetrics();
        dispatcher = new WebhookDispatcher(List.of(target("/hook", 3)), outbox, FAST, metrics.webhookObserver());
        dispatcher.enqueue(created("doc-1"));

        WebhookReceiver.Request r = receiver.next();
        assertEquals("/hook", r.path());
        assertEquals("application/json", r.header("Content-Type"));
        assertTrue(
                WebhookSigner.verify(SECRET, r.body(), r.header(WebhookSigner.SIGNATURE_HEADER)),
                "signature " + r.header(WebhookSigner.SIGNATURE_HEADER));
        assertFalse(WebhookSigner.verify("other-secret", r.body(), r.header(WebhookSigner.SIGNATURE_HEADER)));
        assertEquals(HookEvents.ROOM_CREATED, r.header(WebhookSigner.EVENT_HEADER));
        assertEquals("1", r.header(WebhookSigner.ATTEMPT_HEADER));
        String body = r.bodyText();
        String eventId = r.header(WebhookSigner.EVENT_ID_HEADER);
        assertTrue(body.startsWith("{\"id\":\"" + eventId + "\",\"event\":\"realtime:room:created\""), body);
        assertTrue(body.contains("\"roomId\":\"doc-1\""), body);
        assertTrue(body.contains("\"data\":{\"reason\":\"first join\"}"), body);
        assertFalse(body.contains(SECRET));

        await("delivered mark", () -> dispatcher.pendingCount() == 0);
        await("success metric", () -> metrics.scrape()
                .contains("realtime_webhook_deliveries_total{result=\"success\"} 1"));
        assertNull(receiver.poll(200), "delivered exactly once");
    }

    @Test
    void signatureIsTheHexHmacSha256OfTheBody() {
        // Reference value computed with: printf '{"a":1}' | openssl dgst -sha256 -hmac key
        assertEquals(
                "sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342",
                WebhookSigner.sign("key", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void onlySubscribedEventsAreSent() throws Exception {
        dispatcher = new WebhookDispatcher(
                List.of(target("/snap", 3, HookEvents.SNAPSHOT_SAVED)), outbox, FAST, WebhookDeliveryObserver.NONE);
        dispatcher.enqueue(created("ignored"));
        dispatcher.enqueue(HookEvent.ofRoom(HookEvents.SNAPSHOT_SAVED, "doc", "n", Map.of("bytes", 10)));
        assertEquals(HookEvents.SNAPSHOT_SAVED, receiver.next().header(WebhookSigner.EVENT_HEADER));
        assertNull(receiver.poll(300));
    }

    @Test
    void retriesAfterServerErrorsWithTheSameEventId() throws Exception {
        receiver.script(500, 500);
        dispatcher = new WebhookDispatcher(List.of(target("/flaky", 5)), outbox, FAST, WebhookDeliveryObserver.NONE);
        dispatcher.enqueue(created("doc-2"));

        WebhookReceiver.Request first = receiver.next();
        WebhookReceiver.Request second = receiver.next();
        WebhookReceiver.Request third = receiver.next();
        assertEquals(
                List.of("1", "2", "3"),
                List.of(
                        first.header(WebhookSigner.ATTEMPT_HEADER),
                        second.header(WebhookSigner.ATTEMPT_HEADER),
                        third.header(WebhookSigner.ATTEMPT_HEADER)));
        String id = first.header(WebhookSigner.EVENT_ID_HEADER);
        assertEquals(id, second.header(WebhookSigner.EVENT_ID_HEADER));
        assertEquals(id, third.header(WebhookSigner.EVENT_ID_HEADER));
        assertEquals(first.bodyText(), third.bodyText());
        await("delivered", () -> dispatcher.pendingCount() == 0);
        assertNull(receiver.poll(300), "no delivery after the 200");
        assertFalse(Files.exists(dispatcher.deadLetterFile()));
    }

    @Test
    void deadLettersAfterMaxAttemptsWithTheLastError() throws Exception {
        receiver.defaultStatus(503);
        RealtimeMetrics metrics = new RealtimeMetrics();
        dispatcher = new WebhookDispatcher(List.of(target("/down", 3)), outbox, FAST, metrics.webhookObserver());
        dispatcher.enqueue(created("doc-3"));
        for (int i = 0; i < 3; i++) receiver.next();
        await("dead letter", () -> dispatcher.pendingCount() == 0);
        assertNull(receiver.poll(300), "no fourth attempt");

        List<String> dead = Files.readAllLines(dispatcher.deadLetterFile());
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).contains("\"attempts\":3"), dead.get(0));
        assertTrue(dead.get(0).contains("\"lastError\":\"HTTP 503: status 503\""), dead.get(0));
        assertTrue(dead.get(0).contains("\"target\":\"" + receiver.url("/down") + "\""), dead.get(0));
        assertTrue(dead.get(0).contains("doc-3"));
        await("dead letter metric", () -> metrics.scrape()
                .contains("realtime_webhook_deliveries_total{result=\"dead_letter\"} 1"));
        String scrape = metrics.scrape();
        assertTrue(scrape.contains("realtime_webhook_deliveries_total{result=\"failure\"} 3"), scrape);

        // A restart does not resurrect dead letters.
        dispatcher.close();
        dispatcher = new WebhookDispatcher(List.of(target("/down", 3)), outbox, FAST, WebhookDeliveryObserver.NONE);
        assertEquals(0, dispatcher.pendingCount());
    }

    @Test
    void undeliveredEntriesAreRedeliveredByANewDispatcher() throws Exception {
        int port = receiver.port();
        WebhookTarget hook = target("/later", 50);
        receiver.close(); // receiver down: connection refused
        // Long backoff so the first dispatcher is mid-wait when it "crashes".
        dispatcher = new WebhookDispatcher(
                List.of(hook),
                outbox,
                new RetryPolicy(Duration.ofSeconds(30), Duration.ofSeconds(30), 0),
                WebhookDeliveryObserver.NONE);
        dispatcher.enqueue(created("doc-4"));
        dispatcher.enqueue(created("doc-5"));
        await("first failed attempts recorded", () -> {
            try {
                return Files.readString(outbox.resolve("outbox.log")).split("\nA\t", -1).length - 1 >= 2;
            } catch (IOException e) {
                return false;
            }
        });
        dispatcher.close(); // crash: nothing marked delivered
        dispatcher = null;

        receiver = new WebhookReceiver(port);
        dispatcher = new WebhookDispatcher(List.of(hook), outbox, FAST, WebhookDeliveryObserver.NONE);
        WebhookReceiver.Request a = receiver.next();
        WebhookReceiver.Request b = receiver.next();
        String rooms = a.bodyText() + b.bodyText();
        assertTrue(rooms.contains("doc-4") && rooms.contains("doc-5"), rooms);
        // Attempt numbering continues from the outbox.
        assertEquals("2", a.header(WebhookSigner.ATTEMPT_HEADER));
        assertTrue(WebhookSigner.verify(SECRET, a.body(), a.header(WebhookSigner.SIGNATURE_HEADER)));
        await("delivered", () -> dispatcher.pendingCount() == 0);

        // And the compacted outbox is empty for the next start.
        dispatcher.close();
        dispatcher = new WebhookDispatcher(List.of(hook), outbox, FAST, WebhookDeliveryObserver.NONE);
        assertEquals(0, dispatcher.pendingCount());
        assertNull(receiver.poll(300));
    }

    @Test
    void tornLastRecordIsIgnoredOnRecovery() throws Exception {
        receiver.defaultStatus(500);
        dispatcher = new WebhookDispatcher(
                List.of(target("/x", 100)),
                outbox,
                new RetryPolicy(Duration.ofSeconds(30), Duration.ofSeconds(30), 0),
                WebhookDeliveryObserver.NONE);
        dispatcher.enqueue(created("doc-6"));
        receiver.next();
        dispatcher.close();
        Files.writeString(outbox.resolve("outbox.log"), "E\tpartial-entry-without-newl", StandardOpenOption.APPEND);

        receiver.defaultStatus(200);
        dispatcher = new WebhookDispatcher(List.of(target("/x", 100)), outbox, FAST, WebhookDeliveryObserver.NONE);
        assertTrue(receiver.next().bodyText().contains("doc-6"));
        await("delivered", () -> dispatcher.pendingCount() == 0);
    }

    @Test
    void removedTargetsAreDeadLetteredOnStart() throws Exception {
        receiver.defaultStatus(500);
        dispatcher = new WebhookDispatcher(
                List.of(target("/old", 100)),
                outbox,
                new RetryPolicy(Duration.ofSeconds(30), Duration.ofSeconds(30), 0),
                WebhookDeliveryObserver.NONE);
        dispatcher.enqueue(created("doc-7"));
        receiver.next();
        dispatcher.close();
        dispatcher = new WebhookDispatcher(List.of(target("/new", 3)), outbox, FAST, WebhookDeliveryObserver.NONE);
        assertEquals(0, dispatcher.pendingCount());
        assertTrue(Files.readString(dispatcher.deadLetterFile()).contains("no longer configured"));
    }

    @Test
    void twoDispatchersCannotShareAnOutbox() {
        dispatcher = new WebhookDispatcher(List.of(target("/x", 3)), outbox, FAST, WebhookDeliveryObserver.NONE);
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> new WebhookDispatcher(List.of(target("/x", 3)), outbox, FAST, WebhookDeliveryObserver.NONE));
        assertTrue(e.getMessage().contains("in use"));
    }

    @Test
    void theHookSystemRecordsEmittedEventsInTheOutboxBeforeEmitReturns() throws Exception {
        receiver.defaultStatus(500); // nothing gets delivered: the entries stay pending
        dispatcher = new WebhookDispatcher(
                List.of(target("/bus", 100)),
                outbox,
                new RetryPolicy(Duration.ofSeconds(30), Duration.ofSeconds(30), 0),
                WebhookDeliveryObserver.NONE);
        HookSystem hooks = HookSystem.inProcess(dispatcher);
        HookEvent event =
                HookEvent.ofClient(HookEvents.CLIENT_CONNECTED, "doc-8", "node-1", "c1", "alice", "corr-8", Map.of());
        hooks.emit(event);
        // No waiting: the E record (event id in clear) is in the log when emit returns.
        assertTrue(Files.readString(outbox.resolve("outbox.log")).contains("\t" + event.id() + "\t"));
        assertEquals(1, dispatcher.pendingCount());
        String body = receiver.next().bodyText();
        assertTrue(body.contains("\"clientId\":\"c1\"") && body.contains("\"userId\":\"alice\""), body);
        ((AutoCloseable) hooks).close();
    }

    @Test
    void bodyCarriesTheEventIdAndTheConnectionsCorrelationIdSeparately() throws Exception {
        dispatcher = new WebhookDispatcher(List.of(target("/corr", 3)), outbox, FAST, WebhookDeliveryObserver.NONE);
        HookEvent withCorrelation =
                HookEvent.ofClient(HookEvents.CLIENT_CONNECTED, "doc-9", "node-1", "c9", null, "req-42", Map.of());
        dispatcher.enqueue(withCorrelation);
        WebhookReceiver.Request r = receiver.next();
        assertEquals(withCorrelation.id(), r.header(WebhookSigner.EVENT_ID_HEADER));
        assertTrue(r.bodyText().startsWith("{\"id\":\"" + withCorrelation.id() + "\""), r.bodyText());
        assertTrue(r.bodyText().contains("\"correlationId\":\"req-42\""), r.bodyText());

        dispatcher.enqueue(created("doc-10")); // a room event: no connection, no correlationId
        String roomBody = receiver.next().bodyText();
        assertFalse(roomBody.contains("correlationId"), roomBody);
    }

    @Test
    void concurrentEmittersShareFsyncs() throws Exception {
        receiver.defaultStatus(500);
        dispatcher = new WebhookDispatcher(
                List.of(target("/many", 100)),
                outbox,
                new RetryPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60), 0),
                WebhookDeliveryObserver.NONE);
        int threads = 8;
        int perThread = 100;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) dispatcher.enqueue(created("doc-" + thread + "-" + i));
            }));
        }
        for (var f : done) f.get();
        long micros = (System.nanoTime() - start) / 1000;
        pool.shutdown();
        long fsyncs = dispatcher.outboxFsyncs();
        System.err.printf(
                "WebhookDispatcherTest: %d durable enqueues from %d threads in %d ms (%d us each), %d fsyncs%n",
                threads * perThread, threads, micros / 1000, micros / (threads * perThread), fsyncs);
        assertEquals(threads * perThread, dispatcher.pendingCount());
        assertTrue(fsyncs < threads * perThread, fsyncs + " fsyncs: concurrent appends share them");
        dispatcher.close();
        dispatcher = new WebhookDispatcher(
                List.of(target("/many", 100)),
                outbox,
                new RetryPolicy(Duration.ofSeconds(60), Duration.ofSeconds(60), 0),
                WebhookDeliveryObserver.NONE);
        assertEquals(threads * perThread, dispatcher.pendingCount(), "every enqueue is in the log after a restart");
    }
}
