package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.civicpress.realtime.protocol.MessageDecoder;
import org.civicpress.realtime.protocol.YMessage;

/**
 * A raw WebSocket client (JDK java.net.http) for the ITs: sends frames exactly as given (text, binary,
 * garbage), records every binary message the server sends and how it closed the socket.
 */
final class RawClient implements WebSocket.Listener {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Close(int code, String reason) {}

    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> firstMessage = new CompletableFuture<>();
    private final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    private final AtomicInteger syncStep2Count = new AtomicInteger();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private WebSocket webSocket;

    static RawClient connect(String url) throws Exception {
        RawClient client = new RawClient();
        client.webSocket =
                HTTP.newWebSocketBuilder().buildAsync(URI.create(url), client).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    /** Sends each element as one message: a String as a text frame, a byte[] as a binary frame. */
    void sendAll(List<Object> toSend) throws Exception {
        for (Object f : toSend) {
            if (f instanceof String text) {
                webSocket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } else {
                sendBinary((byte[]) f);
            }
        }
    }

    void sendBinary(byte[] frame) throws Exception {
        webSocket.sendBinary(ByteBuffer.wrap(frame), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    Close awaitClose() throws Exception {
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    int awaitCloseCode() throws Exception {
        return awaitClose().code();
    }

    /** The close code, or null while open. */
    Integer closeCode() {
        Close close = closed.getNow(null);
        return close == null ? null : close.code();
    }

    void awaitFirstMessage() throws Exception {
        assertNull(awaitFirstMessageOrClose(), "closed before the first message");
    }

    /** Null once a message arrived, or the close code if the socket closed first. */
    Integer awaitFirstMessageOrClose() throws Exception {
        CompletableFuture.anyOf(firstMessage, closed).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return firstMessage.isDone() ? null : closeCode();
    }

    /** SyncStep2 messages received so far (the answers to SyncStep1). */
    int syncStep2Count() {
        return syncStep2Count.get();
    }

    /** The payload of the next SyncStep2 the server sends. */
    byte[] awaitSyncStep2() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] f = frames.poll(100, TimeUnit.MILLISECONDS);
            if (f != null && isSync(f, 1)) {
                return ((YMessage.SyncStep2) MessageDecoder.decode(f)).update();
            }
            assertTrue(!closed.isDone(), "closed while waiting for SyncStep2: " + closed.getNow(null));
        }
        throw new AssertionError("no SyncStep2 within " + WAIT);
    }

    /** True when the server echoed a sync Update (the update was journaled), false when it closed. */
    boolean awaitEchoOrClose() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] f = frames.poll(50, TimeUnit.MILLISECONDS);
            if (f != null && isSync(f, 2)) {
                return true;
            }
            if (f == null && closed.isDone()) {
                return false;
            }
        }
        throw new AssertionError("neither an echo nor a close within " + WAIT);
    }

    void close() {
        webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(10, TimeUnit.SECONDS);
    }

    private static boolean isSync(byte[] frame, int syncType) {
        return frame.length >= 2 && frame[0] == 0 && frame[1] == syncType;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partial.writeBytes(chunk);
        if (last) {
            byte[] message = partial.toByteArray();
            partial.reset();
            if (isSync(message, 1)) {
                syncStep2Count.incrementAndGet();
            }
            frames.add(message);
            firstMessage.complete(null);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.complete(new Close(-1, String.valueOf(error)));
    }
}
