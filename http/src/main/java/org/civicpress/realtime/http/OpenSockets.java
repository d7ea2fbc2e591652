package org.civicpress.realtime.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;

/**
 * The outgoing side of every open WebSocket of this node, so that a shutdown can tell each client
 * "1012 service restart" (y-websocket then reconnects, to another node or to this one restarted)
 * instead of cutting TCP connections.
 */
final class OpenSockets {
    private final Set<ActorRef<SocketOut>> sockets = ConcurrentHashMap.newKeySet();

    void opened(ActorRef<SocketOut> socket) {
        sockets.add(socket);
    }

    void closed(ActorRef<SocketOut> socket) {
        sockets.remove(socket);
    }

    int size() {
        return sockets.size();
    }

    /** Asks every open socket to close with 1012; returns how many were asked. */
    int closeAllForRestart() {
        int count = 0;
        for (ActorRef<SocketOut> socket : sockets) {
            socket.tell(new SocketOut.CloseSocket(CloseCodes.SERVICE_RESTART.code(), "server restarting, reconnect"));
            count++;
        }
        return count;
    }
}
