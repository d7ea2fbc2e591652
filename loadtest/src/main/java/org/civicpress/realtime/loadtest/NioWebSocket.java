package org.civicpress.realtime.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A minimal RFC 6455 client connection (no extensions, no TLS): HTTP upgrade, masked binary frames
 * out, unmasked frames in (continuations reassembled), pings answered, close handshake. Only ever
 * used from its {@link NioWebSocketLoop}'s thread, except {@link #send}/{@link #close}/{@link #abort},
 * which hop onto it when called from elsewhere.
 */
final class NioWebSocket implements Transport {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int MAX_MESSAGE = 64 << 20;

    private final NioWebSocketLoop loop;
    private final SocketChannel channel;
    private final URI uri;
    private final LoadClient client;
    private final Consumer<Throwable> connectDone;
    private final String secKey;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private final ByteArrayOutputStream fragments = new ByteArrayOutputStream();
    private final CompletableFuture<Void> closeSent = new CompletableFuture<>();
    private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    private SelectionKey key;
    private boolean upgraded;
    private boolean closed;
    private int fragmentedOpcode = -1;

    NioWebSocket(
            NioWebSocketLoop loop, SocketChannel channel, URI uri, LoadClient client, Consumer<Throwable> connectDone) {
        this.loop = loop;
        this.channel = channel;
        this.uri = uri;
        this.client = client;
        this.connectDone = connectDone;
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        this.secKey = Base64.getEncoder().encodeToString(nonce);
    }

    void attach(SelectionKey key) {
        this.key = key;
    }

    void onReady(SelectionKey k) {
        try {
            if (!k.isValid()) {
                return;
            }
            if (k.isConnectable()) {
                onConnectable();
                return;
            }
            if (k.isWritable()) {
                flush();
            }
            if (k.isValid() && k.isReadable()) {
                onReadable();
            }
        } catch (IOException | RuntimeException e) {
            drop(e);
        }
    }

    void onConnectable() throws IOException {
        if (!channel.finishConnect()) {
            return;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + secKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        key.interestOps(SelectionKey.OP_READ);
        enqueue(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
    }

    private void onReadable() throws IOException {
        if (closed) {
            // close handshake under way: ignore whatever else the peer sends
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            return;
        }
        int n = channel.read(in);
        if (n < 0) {
            drop(new IOException("connection closed by peer"));
            return;
        }
        long now = System.nanoTime();
        in.flip();
        if (!upgraded && !readUpgradeResponse()) {
            in.compact();
            return;
        }
        while (!closed && readFrame(now)) {
            // one frame per iteration
        }
        if (closed) {
            return;
        }
        in.compact();
        if (!in.hasRemaining()) {
            // a frame larger than the buffer: grow it
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(in.capacity() * 2, MAX_MESSAGE + 16));
            in.flip();
            bigger.put(in);
            in = bigger;
        }
    }

    /** Consumes the HTTP 101 response from {@code in} (flipped); false if it is not complete yet. */
    private boolean readUpgradeResponse() throws IOException {
        int end = -1;
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                end = i + 4;
                break;
            }
        }
        if (end < 0) {
            if (in.limit() >= in.capacity()) {
                throw new IOException("upgrade response larger than " + in.capacity() + " bytes");
            }
            return false;
        }
        byte[] head = new byte[end - in.position()];
        in.get(head);
        String response = new String(head, StandardCharsets.ISO_8859_1);
        String statusLine = response.substring(0, response.indexOf('\r'));
        if (!statusLine.matches("HTTP/1\\.1 101\\b.*")) {
            throw new IOException("upgrade refused: " + statusLine);
        }
        String expected = acceptFor(secKey);
        boolean accepted = response.lines()
                .anyMatch(l -> l.regionMatches(true, 0, "Sec-WebSocket-Accept:", 0, 21)
                        && l.substring(21).trim().equals(expected));
        if (!accepted) {
            throw new IOException("missing or wrong Sec-WebSocket-Accept");
        }
        upgraded = true;
        client.onOpen(this);
        connectDone.accept(null);
        return true;
    }

    /** Reads one complete frame from {@code in} (flipped) if there is one. */
    private boolean readFrame(long now) throws IOException {
        int start = in.position();
        int available = in.remaining();
        if (available < 2) {
            return false;
        }
        int b0 = in.get(start) & 0xff;
        int b1 = in.get(start + 1) & 0xff;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0f;
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7f;
        int header = 2;
        if (len == 126) {
            if (available < 4) {
                return false;
            }
            len = in.getShort(start + 2) & 0xffff;
            header = 4;
        } else if (len == 127) {
            if (available < 10) {
                return false;
            }
            len = in.getLong(start + 2);
            header = 10;
        }
        if (len < 0 || len > MAX_MESSAGE) {
            throw new IOException("frame of " + len + " bytes");
        }
        int maskOffset = header;
        if (masked) {
            header += 4;
        }
        if (available < header + len) {
            return false;
        }
        byte[] payload = new byte[(int) len];
        in.position(start + header);
        in.get(payload);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= in.get(start + maskOffset + (i & 3));
            }
        }
        onFrame(fin, opcode, payload, now);
        return true;
    }

    private void onFrame(boolean fin, int opcode, byte[] payload, long now) {
        switch (opcode) {
            case OP_BINARY, OP_TEXT -> {
                if (fin) {
                    deliver(opcode, payload, now);
                } else {
                    fragmentedOpcode = opcode;
                    fragments.reset();
                    fragments.writeBytes(payload);
                }
            }
            case OP_CONTINUATION -> {
                fragments.writeBytes(payload);
                if (fin && fragmentedOpcode >= 0) {
                    deliver(fragmentedOpcode, fragments.toByteArray(), now);
                    fragments.reset();
                    fragmentedOpcode = -1;
                }
            }
            case OP_PING -> enqueue(frame(0x8A, payload));
            case OP_CLOSE -> {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                String reason =
                        payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                client.onServerClose(code, reason);
                // closed first: flush() closes the channel once our echo of the close frame is written
                closed = true;
                enqueue(frame(0x88, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]));
            }
            default -> {} // pong or reserved: nothing to do
        }
    }

    private void deliver(int opcode, byte[] message, long now) {
        if (opcode == OP_BINARY) {
            client.onMessage(message, now);
        } else {
            client.onTextMessage();
        }
    }

    @Override
    public void send(byte[] message) {
        if (loop.inLoop()) {
            enqueue(frame(0x82, message));
        } else {
            loop.execute(() -> enqueue(frame(0x82, message)));
        }
    }

    @Override
    public boolean sendQueueEmpty() {
        return out.isEmpty() && !closed && channel.isOpen();
    }

    /** A masked client frame (RFC 6455 5.3: clients must mask). */
    private static ByteBuffer frame(int firstByte, byte[] payload) {
        int len = payload.length;
        int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
        ByteBuffer b = ByteBuffer.allocate(header + 4 + len);
        b.put((byte) firstByte);
        if (len < 126) {
            b.put((byte) (0x80 | len));
        } else if (len < 65536) {
            b.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            b.put((byte) (0x80 | 127)).putLong(len);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        b.putInt(mask);
        byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        for (int i = 0; i < len; i++) {
            b.put((byte) (payload[i] ^ m[i & 3]));
        }
        return b.flip();
    }

    private void enqueue(ByteBuffer buffer) {
        if (!channel.isOpen()) {
            return;
        }
        out.add(buffer);
        try {
            flush();
        } catch (IOException e) {
            drop(e);
        }
    }

    private void flush() throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer head = out.peek();
            channel.write(head);
            if (head.hasRemaining()) {
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                return;
            }
            out.poll();
        }
        if (key.isValid()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
        if (closed) {
            closeSent.complete(null);
            NioWebSocketLoop.closeQuietly(channel);
        }
    }

    private void drop(Throwable error) {
        boolean wasUpgraded = upgraded;
        closed = true;
        upgraded = true;
        NioWebSocketLoop.closeQuietly(channel);
        closeSent.complete(null);
        if (wasUpgraded) {
            client.fail("socket error", error);
        } else {
            connectDone.accept(error);
        }
    }

    @Override
    public void abort() {
        loop.execute(() -> {
            closed = true;
            NioWebSocketLoop.closeQuietly(channel);
            closeSent.complete(null);
        });
    }

    @Override
    public CompletableFuture<Void> close() {
        loop.execute(() -> {
            if (!closed && channel.isOpen()) {
                closed = true;
                enqueue(frame(0x88, new byte[] {0x03, (byte) 0xe8}));
            } else {
                closeSent.complete(null);
            }
        });
        return closeSent;
    }

    static String acceptFor(String secKey) {
        try {
            byte[] sha1 =
                    MessageDigest.getInstance("SHA-1").digest((secKey + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
