package org.civicpress.realtime.delivery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.civicpress.realtime.CborSerializable;

/**
 * One per node: the sockets of this node's connections, by connection id, and the actor that writes a remote
 * room's frame to them. A room on another node sends each broadcast ONCE per node, naming the receivers by
 * connection id, instead of once per client (each of those a serialized remote message carrying the same
 * bytes); a room on this node looks a joining connection's socket up here ({@link #localSocket}) and writes to it
 * directly. Connections register their socket when they start and unregister when they stop; frames for ids not
 * (or no longer) registered are dropped, as a frame to a closed socket would be.
 *
 * <p>Order per connection is kept as long as a room sends everything for a remote connection's socket through
 * the relay (Artery keeps the order of one sender's messages to one receiver, and the relay is one actor).
 */
public final class NodeRelay implements Extension {

    public sealed interface Command extends CborSerializable {}

    /** From a room on any node: write {@code frame} to these connections' sockets. */
    public record Deliver(byte[] frame, List<String> connectionIds) implements Command {}

    private static final ExtensionId<NodeRelay> ID = new ExtensionId<>() {
        @Override
        public NodeRelay createExtension(ActorSystem<?> system) {
            Map<String, SocketOut> sockets = new ConcurrentHashMap<>();
            return new NodeRelay(
                    system.systemActorOf(behavior(sockets), "realtime-node-relay", Props.empty()), sockets);
        }
    };

    private final ActorRef<Command> ref;
    private final Map<String, SocketOut> sockets;

    private NodeRelay(ActorRef<Command> ref, Map<String, SocketOut> sockets) {
        this.ref = ref;
        this.sockets = sockets;
    }

    /** This node's relay (started on first use). */
    public static NodeRelay get(ActorSystem<?> system) {
        return system.registerExtension(ID);
    }

    /** The relay actor: what a room on another node sends this node's frames to. */
    public ActorRef<Command> ref() {
        return ref;
    }

    /** A connection of this node starts: rooms may now name it (call before its first join). */
    public void register(String connectionId, SocketOut socket) {
        sockets.put(connectionId, socket);
    }

    /** The connection stopped: frames for it are dropped from now on. */
    public void unregister(String connectionId) {
        sockets.remove(connectionId);
    }

    /** The socket of a connection of this node, or null when it is not (or no longer) registered. */
    public SocketOut localSocket(String connectionId) {
        return sockets.get(connectionId);
    }

    static Behavior<Command> behavior(Map<String, SocketOut> sockets) {
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, deliver -> {
                    for (String id : deliver.connectionIds()) {
                        SocketOut socket = sockets.get(id);
                        if (socket != null) socket.send(deliver.frame());
                    }
                    return Behaviors.same();
                })
                .build();
    }
}
