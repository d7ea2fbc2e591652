package org.civicpress.realtime.loadtest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.utils.Doc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated browser tab: a y-websocket style client, independent of the socket implementation
 * ({@link Transport}). On open it sends SyncStep1 with its state vector (for Hocuspocus, Auth first)
 * and one awareness state, answers the server's SyncStep1 with SyncStep2, and scans every update it
 * receives for markers. A writer also owns a ycrdt {@link Doc} whose text inserts are the updates it
 * sends. Readers keep no document: they only measure. A flooder is a writer that sends whenever the
 * flood clock tells it to, with {@code floodBytes} of padding text per update (security issue 10).
 */
public final class LoadClient {
    private static final Logger log = LoggerFactory.getLogger(LoadClient.class);
    private static final byte[] EMPTY_STATE_VECTOR = Y.encodeStateVector(new Doc());
    private static final byte[] EMPTY_UPDATE = Y.encodeStateAsUpdate(new Doc());

    /** What a client does once synced. */
    public enum Role {
        READER,
        WRITER,
        FLOODER
    }

    private final int index;
    private final Role role;
    private final String padding;
    private long awarenessClock = 1;
    private final String room;
    private final WireProtocol protocol;
    private final DeliveryLedger ledger;
    private final LoadCounters counters;
    private final Doc doc;
    private final AtomicBoolean synced = new AtomicBoolean();
    private final AtomicBoolean gone = new AtomicBoolean();
    private volatile Transport transport;
    /** System.nanoTime when the first sync message (SyncStep1 or SyncStep2) of the server arrived; 0 until then. */
    private volatile long firstSyncNanos;

    private byte[] lastUpdate;

    public LoadClient(
            int index,
            String room,
            boolean writer,
            WireProtocol protocol,
            DeliveryLedger ledger,
            LoadCounters counters) {
        this(index, room, writer ? Role.WRITER : Role.READER, 0, protocol, ledger, counters);
    }

    public LoadClient(
            int index,
            String room,
            Role role,
            int floodBytes,
            WireProtocol protocol,
            DeliveryLedger ledger,
            LoadCounters counters) {
        this.index = index;
        this.role = role;
        this.padding = role == Role.FLOODER ? "x".repeat(floodBytes) : "";
        boolean writer = role != Role.READER;
        this.room = room;
        this.protocol = protocol;
        this.ledger = ledger;
        this.counters = counters;
        this.doc = writer ? new Doc() : null;
        if (doc != null) {
            doc.onUpdate((update, origin, tx) -> lastUpdate = update);
        }
    }

    public int index() {
        return index;
    }

    public boolean isWriter() {
        return role == Role.WRITER;
    }

    public boolean isFlooder() {
        return role == Role.FLOODER;
    }

    /** NIO: call on the loop thread. True once synced and nothing of ours waits in the client's send queue. */
    boolean canSendNow() {
        Transport t = transport;
        return t != null && synced.get() && !gone.get() && t.sendQueueEmpty();
    }

    public boolean isSynced() {
        return synced.get();
    }

    public boolean isGone() {
        return gone.get();
    }

    public String room() {
        return room;
    }

    /** The WebSocket upgrade completed (the server answered 101). */
    boolean isUpgraded() {
        return transport != null;
    }

    /** When the server's first sync message arrived (System.nanoTime), 0 if none yet: a storm's "open". */
    long firstSyncNanos() {
        return firstSyncNanos;
    }

    void onOpen(Transport t) {
        this.transport = t;
        counters.opened.increment();
        for (byte[] m : protocol.openingMessages(room)) {
            t.send(m);
        }
        byte[] sv;
        if (doc == null) {
            sv = EMPTY_STATE_VECTOR;
        } else {
            synchronized (doc) {
                sv = Y.encodeStateVector(doc);
            }
        }
        t.send(protocol.sync(room, WireProtocol.SYNC_STEP1, sv));
        t.send(protocol.awareness(room, awarenessUpdate()));
    }

    /** One awareness state, as a y-websocket provider announces itself on connect. */
    private byte[] awarenessUpdate() {
        Encoder e = new Encoder();
        e.writeVarUint(1);
        e.writeVarUint(1_000_000L + index);
        // each state a flooder sends must be newer than the last, or the server rightly ignores it
        e.writeVarUint(awarenessClock++);
        e.writeVarString("{\"user\":{\"name\":\"load-" + index + "\"},\"cursor\":" + awarenessClock + "}");
        return e.toUint8Array();
    }

    /** Inserts a marked text into the writer's document and sends the resulting update. */
    public void sendMarkedInsert() {
        sendInsert("");
    }

    /** A flooder's update: a marker plus its padding; with {@code awareness}, an awareness update after it. */
    void sendFloodUpdate(boolean awareness) {
        if (sendInsert(padding) && awareness) {
            transport.send(protocol.awareness(room, awarenessUpdate()));
            counters.floodAwarenessSent.increment();
        }
    }

    private boolean sendInsert(String padding) {
        Transport t = transport;
        if (doc == null || t == null || gone.get() || !synced.get()) {
            return false;
        }
        long id = ledger.reserveId();
        byte[] update;
        synchronized (doc) {
            lastUpdate = null;
            doc.getText("t").insert(0, UpdateMarkers.markerFor(id) + padding);
            update = lastUpdate;
        }
        if (update == null) {
            counters.errors.increment();
            log.warn("client {}: insert produced no update", index);
            return false;
        }
        byte[] message = protocol.sync(room, WireProtocol.SYNC_UPDATE, update);
        ledger.markSent(id, index, System.nanoTime());
        counters.updatesSent.increment();
        t.send(message);
        return true;
    }

    /** A complete binary message from the server, received at {@code now} (System.nanoTime). */
    void onMessage(byte[] message, long now) {
        counters.messagesReceived.increment();
        try {
            handle(protocol.parse(message), now);
        } catch (RuntimeException e) {
            counters.protocolErrors.increment();
            log.warn("client {} ({}): {}", index, room, e.getMessage());
        }
    }

    void onTextMessage() {
        counters.protocolErrors.increment();
    }

    private void handle(IncomingMessage message, long now) {
        // Java 17: no pattern switch yet, so instanceof over the sealed hierarchy.
        if (message instanceof IncomingMessage.Update u) {
            UpdateMarkers.scan(u.message(), u.from(), u.to(), id -> ledger.markDelivered(id, index, now));
        } else if (message instanceof IncomingMessage.SyncStep1 s) {
            noteFirstSync(now);
            transport.send(protocol.syncReply(room, stepTwoFor(s.stateVector())));
        } else if (message instanceof IncomingMessage.SyncStep2) {
            noteFirstSync(now);
            synced.set(true);
        } else if (message instanceof IncomingMessage.Awareness) {
            counters.awarenessReceived.increment();
        } else if (message instanceof IncomingMessage.AuthResult a && !a.granted()) {
            fail("permission denied: " + a.detail(), null);
        }
    }

    private void noteFirstSync(long now) {
        if (firstSyncNanos == 0) {
            firstSyncNanos = now;
        }
    }

    private byte[] stepTwoFor(byte[] stateVector) {
        if (doc == null) {
            return EMPTY_UPDATE;
        }
        synchronized (doc) {
            return Y.encodeStateAsUpdate(doc, stateVector);
        }
    }

    void onServerClose(int statusCode, String reason) {
        if (gone.compareAndSet(false, true)) {
            counters.closedByServer.increment();
            log.debug("client {} ({}) closed by server: {} {}", index, room, statusCode, reason);
            counters.noteCloseReason(statusCode + " " + reason);
        }
    }

    void fail(String what, Throwable error) {
        if (gone.compareAndSet(false, true)) {
            counters.errors.increment();
            counters.noteCloseReason(what + (error == null ? "" : ": " + error));
            log.debug("client {} ({}): {}", index, room, what, error);
            Transport t = transport;
            if (t != null) {
                t.abort();
            }
        }
    }

    /** The opening handshake failed: nothing to wait for. */
    void markConnectFailed() {
        gone.set(true);
    }

    /** Closes the socket politely; the returned future completes once the close frame is sent. */
    public CompletableFuture<Void> close() {
        Transport t = transport;
        if (t == null || !gone.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        if (role == Role.FLOODER) {
            // a polite close frame would queue behind the flood the server is still reading at its shaped rate
            t.abort();
            return CompletableFuture.completedFuture(null);
        }
        return t.close();
    }
}
