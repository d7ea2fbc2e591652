package org.civicpress.realtime.loadtest;

import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link Transport} over {@code java.net.http.WebSocket} (option {@code --client jdk}). Simple but
 * costly per message (about twice the CPU of {@link NioWebSocket}), hence NIO is the default.
 */
final class JdkTransport implements Transport, WebSocket.Listener {
    private final LoadClient client;
    private final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private WebSocket socket;
    private boolean sending;

    JdkTransport(LoadClient client) {
        this.client = client;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.socket = webSocket;
        client.onOpen(this);
        // Unbounded demand: each message is consumed synchronously.
        webSocket.request(Long.MAX_VALUE);
    }

    /** java.net.http allows one outstanding send per socket: queue the rest, chain on completion. */
    @Override
    public void send(byte[] message) {
        synchronized (outbox) {
            if (sending) {
                outbox.add(message);
                return;
            }
            sending = true;
        }
        transmit(message);
    }

    @Override
    public boolean sendQueueEmpty() {
        synchronized (outbox) {
            return !sending;
        }
    }

    private void transmit(byte[] message) {
        socket.sendBinary(ByteBuffer.wrap(message), true).whenComplete((ws, error) -> {
            if (error != null) {
                client.fail("send failed", error);
                return;
            }
            byte[] next;
            synchronized (outbox) {
                next = outbox.poll();
                if (next == null) {
                    sending = false;
                    return;
                }
            }
            transmit(next);
        });
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        long now = System.nanoTime();
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        if (last && partial.size() == 0) {
            client.onMessage(chunk, now);
            return null;
        }
        partial.writeBytes(chunk);
        if (last) {
            byte[] message = partial.toByteArray();
            partial.reset();
            client.onMessage(message, now);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        client.onTextMessage();
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        client.onServerClose(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        client.fail("socket error", error);
    }

    @Override
    public void abort() {
        if (socket != null) {
            socket.abort();
        }
    }

    @Override
    public CompletableFuture<Void> close() {
        return socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").handle((ws, e) -> null);
    }
}
