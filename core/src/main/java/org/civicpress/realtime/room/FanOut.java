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
            SocketOut socket,
            ActorRef<NodeRelay.Command> relay,
            String correlationId,
            boolean extensionFrames) {

        /**
         * The member for a join; {@code local} is this node's relay. A connection of this node has registered its
         * socket there (before joining): the room then writes to it directly, with no message per frame. A socket
         * no longer registered (the connection stopped meanwhile) is reached through the relay, which drops it.
         */
        static Member of(Room.Join join, NodeRelay local) {
            SocketOut socket = join.relay().equals(local.ref()) ? local.localSocket(join.connectionId()) : null;
            return new Member(
                    join.connectionId(),
                    join.connection(),
                    join.userId(),
                    socket,
                    join.relay(),
                    join.correlationId(),
                    join.extensionFrames());
        }

        /**
         * Writes a frame to the client. Straight to the socket when it lives in this JVM (the fan-out hot path);
         * else through its node's relay, as broadcasts do, so the frames of one client keep their order.
         */
        void send(byte[] frame) {
            if (socket != null) {
                socket.send(frame);
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
        Map<ActorRef<NodeRelay.Command>, List<String>> perNode = null;
        for (Member m : members) {
            if (m == except) continue;
            if (m.socket() != null) {
                m.socket().send(frame);
            } else {
                if (perNode == null) perNode = new HashMap<>();
                perNode.computeIfAbsent(m.relay(), relay -> new ArrayList<>()).add(m.connectionId());
            }
        }
        if (perNode != null) perNode.forEach((relay, ids) -> relay.tell(new NodeRelay.Deliver(frame, ids)));
    }
}
