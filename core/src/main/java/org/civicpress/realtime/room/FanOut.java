package org.civicpress.realtime.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.delivery.NodeRelay;
import org.civicpress.realtime.delivery.SocketOut;

/** Where a room's frames go: straight to the sockets in this JVM, through its node's relay for any other. */
final class FanOut {
    private FanOut() {}

    /**
     * A joined connection. {@code socket}: its socket when it lives in this JVM, else null; then {@code relay}
     * is the relay of its node. {@code correlationId}: the connection's (its hook events carry it), or null.
     * {@code extensionFrames}: it receives the room's extension frames (durable acks, stateless messages).
     */
    record Member(
            String connectionId,
            ActorRef<Room.ToConnection> connection,
            String userId,
            ActorRef<SocketOut> socket,
            ActorRef<NodeRelay.Command> relay,
            String correlationId,
            boolean extensionFrames) {

        static Member of(Room.Join join) {
            ActorRef<SocketOut> local = localOnly(join.socket());
            return new Member(
                    join.connectionId(),
                    join.connection(),
                    join.userId(),
                    local,
                    local == null ? join.relay() : null,
                    join.correlationId(),
                    join.extensionFrames());
        }

        /**
         * Writes a frame to the client. Straight to the socket when it lives in this JVM (one actor hop
         * less per delivery: the fan-out hot path); else through its node's relay, as broadcasts do, so the
         * frames of one client keep their order.
         */
        void send(byte[] frame) {
            if (socket != null) {
                socket.tell(new SocketOut.Frame(frame));
            } else {
                relay.tell(new NodeRelay.Deliver(frame, List.of(connectionId)));
            }
        }
    }

    /**
     * Sends one frame to every member but {@code except}: straight to the sockets in this JVM, and one message
     * per other node, to its relay, naming that node's receivers (not one remote message per client).
     */
    static void toAll(Collection<Member> members, byte[] frame, Member except) {
        SocketOut.Frame direct = new SocketOut.Frame(frame);
        Map<ActorRef<NodeRelay.Command>, List<String>> perNode = null;
        for (Member m : members) {
            if (m == except) continue;
            if (m.socket() != null) {
                m.socket().tell(direct);
            } else {
                if (perNode == null) perNode = new HashMap<>();
                perNode.computeIfAbsent(m.relay(), relay -> new ArrayList<>()).add(m.connectionId());
            }
        }
        if (perNode != null) perNode.forEach((relay, ids) -> relay.tell(new NodeRelay.Deliver(frame, ids)));
    }

    /**
     * The socket ref only when it lives in this JVM: a remote socket would need SocketOut to be
     * serializable, and the relay of its node writes to it just as well.
     */
    private static ActorRef<SocketOut> localOnly(ActorRef<SocketOut> socket) {
        return socket.path().address().hasLocalScope() ? socket : null;
    }
}
