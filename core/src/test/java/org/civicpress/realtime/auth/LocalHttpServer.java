package org.civicpress.realtime.auth;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (random port) answering every request with what {@link #answer} says at
 * that moment: a JWKS endpoint or a CivicPress introspection endpoint for the auth tests. Counts requests
 * and the highest number handled at once; records the Authorization headers it saw.
 */
public final class LocalHttpServer implements AutoCloseable {
    /** One answer: status, JSON body, and how long to wait before answering. */
    public record Reply(int status, String body, long delayMillis) {
        public static Reply json(String body) {
            return new Reply(200, body, 0);
        }
    }

    @FunctionalInterface
    public interface Answer {
        Reply reply(String authorization) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "auth-test-http");
        t.setDaemon(true);
        return t;
    });
    public volatile Answer answer = a -> new Reply(404, "", 0);
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger concurrent = new AtomicInteger();
    public final AtomicInteger maxConcurrent = new AtomicInteger();
    public final LinkedBlockingQueue<String> authorizations = new LinkedBlockingQueue<>();

    public LocalHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            int now = concurrent.incrementAndGet();
            maxConcurrent.accumulateAndGet(now, Math::max);
            requests.incrementAndGet();
            try (exchange) {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                if (auth != null) authorizations.add(auth);
                Reply r;
                try {
                    r = answer.reply(auth);
                    if (r.delayMillis() > 0) Thread.sleep(r.delayMillis());
                } catch (Exception e) {
                    r = new Reply(500, "{}", 0);
                }
                byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            } catch (IOException e) {
                // the client gave up (timeout tests)
            } finally {
                concurrent.decrementAndGet();
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
