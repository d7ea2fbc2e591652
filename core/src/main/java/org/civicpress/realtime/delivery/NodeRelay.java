package org.civicpress.realtime.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.civicpress.realtime.CborSerializable;

/**
 * One per node: writes a room's frame to the sockets of this node's connections. A room on another node
 * sends each broadcast ONCE per node, naming the receivers by connection id, instead of once per client
 * (each of those a serialized remote message carrying the same bytes). Connections register their socket
 * here when they start and unregister when they stop; frames for ids not (or no longer) registered are dropped,
 * as a frame to a closed socket would be.
 *
 * <p>Order per connection is kept as long as a room sends everything for a remote connection's socket through
 * the relay (Artery keeps the order of one sender's messages to one receiver, and the relay is one actor).
 */
public final class NodeRelay implements Extension {

    public sealed interface Command extends CborSerializable {}

    /** From a room on any node: write {@code frame} to these connections' sockets. */
    public record Deliver(byte[] frame, List<String> connectionIds) implements Command {}

    /** From a connection of this node (never crosses the network). */
    public record Register(String connectionId, ActorRef<SocketOut> socket) implements Command {}

    /** From a connection of this node when it stops. */
    public record Unregister(String connectionId) implements Command {}

    private static final ExtensionId<NodeRelay> ID = new ExtensionId<>() {
        @Override
        public NodeRelay createExtension(ActorSystem<?> system) {
            return new NodeRelay(system.systemActorOf(behavior(), "realtime-node-relay", Props.empty()));
        }
    };

    private final ActorRef<Command> ref;

    private NodeRelay(ActorRef<Command> ref) {
        this.ref = ref;
    }

    /** This node's relay (started on first use). */
    public static ActorRef<Command> get(ActorSystem<?> system) {
        return system.registerExtension(ID).ref;
    }

    static Behavior<Command> behavior() {
        Map<String, ActorRef<SocketOut>> sockets = new HashMap<>();
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, deliver -> {
                    SocketOut.Frame frame = new SocketOut.Frame(deliver.frame());
                    for (String id : deliver.connectionIds()) {
                        ActorRef<SocketOut> socket = sockets.get(id);
                        if (socket != null) socket.tell(frame);
                    }
                    return Behaviors.same();
                })
                .onMessage(Register.class, register -> {
                    sockets.put(register.connectionId(), register.socket());
                    return Behaviors.same();
                })
                .onMessage(Unregister.class, unregister -> {
                    sockets.remove(unregister.connectionId());
                    return Behaviors.same();
                })
                .build();
    }
}
