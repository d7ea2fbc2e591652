package org.civicpress.realtime.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.civicpress.realtime.errors.CloseCodes;

/**
 * The outgoing side of every open WebSocket of this node, so that a shutdown can tell each client
 * "1012 service restart" (y-websocket then reconnects, to another node or to this one restarted)
 * instead of cutting TCP connections, and so that one node-wide sweep keeps idle connections alive
 * (no timer per connection).
 */
final class OpenSockets {
    private final Set<OutgoingFrames> sockets = ConcurrentHashMap.newKeySet();

    void opened(OutgoingFrames socket) {
        sockets.add(socket);
    }

    void closed(OutgoingFrames socket) {
        sockets.remove(socket);
    }

    int size() {
        return sockets.size();
    }

    /** Asks every open socket to close with 1012; returns how many were asked. */
    int closeAllForRestart() {
        int count = 0;
        for (OutgoingFrames socket : sockets) {
            socket.close(CloseCodes.SERVICE_RESTART.code(), "server restarting, reconnect");
            count++;
        }
        return count;
    }

    /**
     * Pings every socket that sent nothing since the previous sweep (run every half ping interval: an idle
     * client is pinged about once per interval); a dead peer's TCP connection then fails.
     */
    void pingIdle() {
        for (OutgoingFrames socket : sockets) {
            int sent = socket.sent;
            if (sent == socket.sentAtLastSweep) socket.ping();
            socket.sentAtLastSweep = sent;
        }
    }
}
