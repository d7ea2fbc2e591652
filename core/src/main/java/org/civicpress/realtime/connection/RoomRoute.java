package org.civicpress.realtime.connection;

import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.auth.RoomAccess;
import org.civicpress.realtime.metrics.RealtimeMetrics;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.room.RejectReason;
import org.civicpress.realtime.room.Room;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way from one socket to the room incarnation its {@link ClientConnection} joined: the socket's stream calls
 * {@link #fromClient} for every client message and it goes straight to the incarnation (no hop through the
 * connection actor, which only handles joins, the incarnation's end and the socket's end). While no incarnation
 * is known (joining, or re-joining after one stopped) messages wait here, bounded; the actor's {@link #joined}
 * hands them over in order before later ones can pass. The lock is held for a tell or a queue operation: the
 * stream thread and the actor contend only around a join.
 *
 * <p>Read-only connections ({@link RoomAccess#READ}): a message that could change the document is dropped here,
 * before any room sees it, and counted ({@code realtime_messages_rejected_total{reason="read_only"}}).
 */
final class RoomRoute implements SocketIn {
    private static final Logger log = LoggerFactory.getLogger(RoomRoute.class);

    private final String connectionId;
    private final RoomAccess access;
    private final RealtimeMetrics metrics;
    private final long maxQueuedBytes;
    /** The actor that owns this route; told about the socket's end and a queue overflow. */
    private volatile ActorRef<ClientConnection.Command> connection;

    // Guarded by this.
    private ActorRef<Room.Command> incarnation;
    /** The connection leaves (or its node does): messages are dropped, nothing is queued any more. */
    private boolean dropping;

    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    private long queuedBytes;

    RoomRoute(String connectionId, RoomAccess access, RealtimeMetrics metrics, long maxQueuedBytes) {
        this.connectionId = connectionId;
        this.access = access;
        this.metrics = metrics;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    void ownedBy(ActorRef<ClientConnection.Command> connection) {
        this.connection = connection;
    }

    @Override
    public void fromClient(byte[] message) {
        if (!access.canWrite() && SyncProtocol.mayChangeDocument(message)) {
            metrics.messageRejected(RejectReason.READ_ONLY);
            log.debug("connection {}: read-only, dropped a {}-byte document change", connectionId, message.length);
            return;
        }
        long overflow;
        synchronized (this) {
            if (incarnation != null) {
                incarnation.tell(new Room.FromClient(connectionId, message));
                return;
            }
            // Node leaving: never journaled, so never echoed; y-websocket sends these edits again after
            // reconnecting (the new room's SyncStep1 shows it what the room lacks).
            if (dropping) return;
            queuedBytes += message.length;
            if (queuedBytes <= maxQueuedBytes) {
                queued.add(message);
                return;
            }
            overflow = queuedBytes;
            dropping = true;
            queued.clear();
        }
        connection.tell(new ClientConnection.QueueOverflow(overflow));
    }

    @Override
    public void ended(Throwable failure) {
        connection.tell(
                failure == null ? new ClientConnection.SocketClosed() : new ClientConnection.SocketFailed(failure));
    }

    /** The connection joined {@code joined}: what waited goes to it first, then every message goes straight there. */
    synchronized void joined(ActorRef<Room.Command> joined) {
        if (dropping) return;
        while (!queued.isEmpty()) joined.tell(new Room.FromClient(connectionId, queued.poll()));
        queuedBytes = 0;
        incarnation = joined;
    }

    /** The incarnation stopped: messages wait (bounded) for the next one. */
    synchronized void lost() {
        incarnation = null;
    }

    /** The connection leaves, or its node does: from now on messages are dropped. */
    synchronized void drop() {
        incarnation = null;
        dropping = true;
        queued.clear();
        queuedBytes = 0;
    }
}
