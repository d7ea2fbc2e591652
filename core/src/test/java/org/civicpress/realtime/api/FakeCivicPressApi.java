package org.civicpress.realtime.api;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 playing the CivicPress API: {@code GET /api/documents/{id}/yjs} answers
 * the content registered for that id (404 otherwise), {@code POST /api/documents/{id}/snapshot} records the
 * request.
 */
final class FakeCivicPressApi implements AutoCloseable {
    record Content(String contentType, byte[] body) {}

    record Push(String roomHeader, String sequenceNr, String authorization, String body) {}

    private final HttpServer server;
    final Map<String, Content> contents = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> contentRequests = new ConcurrentHashMap<>();
    final LinkedBlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
    /** Content answers wait for this latch (tests open it when they want the answer to go out). */
    volatile CountDownLatch holdContent = new CountDownLatch(0);

    FakeCivicPressApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/documents/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getRawPath();
                String rest = path.substring("/api/documents/".length());
                String id =
                        java.net.URLDecoder.decode(rest.substring(0, rest.lastIndexOf('/')), StandardCharsets.UTF_8);
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                if (path.endsWith("/yjs") && "GET".equals(exchange.getRequestMethod())) {
                    contentRequests
                            .computeIfAbsent(id, k -> new AtomicInteger())
                            .incrementAndGet();
                    if (auth != null) authorizations.add(auth);
                    try {
                        holdContent.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    Content c = contents.get(id);
                    if (c == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    exchange.getResponseHeaders().add("Content-Type", c.contentType());
                    exchange.sendResponseHeaders(200, c.body().length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(c.body());
                    }
                } else if (path.endsWith("/snapshot") && "POST".equals(exchange.getRequestMethod())) {
                    pushes.add(new Push(
                            exchange.getRequestHeaders().getFirst("X-Realtime-Room"),
                            exchange.getRequestHeaders().getFirst("X-Realtime-Sequence-Nr"),
                            auth,
                            new String(body, StandardCharsets.UTF_8)));
                    exchange.sendResponseHeaders(204, -1);
                } else {
                    exchange.sendResponseHeaders(405, -1);
                }
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-civicpress-api");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int contentRequests(String roomId) {
        AtomicInteger n = contentRequests.get(roomId);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        holdContent.countDown();
        server.stop(0);
    }
}
