package org.civicpress.realtime.http;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.civicpress.realtime.connection.ClientConnection;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.CloseCodes;

/**
 * Parent of one {@link ClientConnection}: forwards the flow's messages to it and closes the socket
 * when it stops without having done so (a crash), so no socket outlives its connection actor.
 *
 * <p>Why not let the stream watch the connection actor (ActorSink does): the connection tells the
 * socket "close with 4400" and then stops; a death watch on the stream side races with that message
 * and could end the socket with a plain 1000 first. Here the close notice is sent after Terminated,
 * hence after whatever the connection itself told the socket.
 */
final class ConnectionGuardian {
    private ConnectionGuardian() {}

    static Behavior<ClientConnection.Command> create(
            Behavior<ClientConnection.Command> connection, ActorRef<SocketOut> socket) {
        return Behaviors.setup(context -> {
            ActorRef<ClientConnection.Command> child = context.spawn(connection, "connection");
            context.watch(child);
            return running(child, socket, false);
        });
    }

    /** Forwards to the connection; remembers whether the flow already reported the socket's end. */
    private static Behavior<ClientConnection.Command> running(
            ActorRef<ClientConnection.Command> child, ActorRef<SocketOut> socket, boolean socketEnded) {
        return Behaviors.receive(ClientConnection.Command.class)
                .onAnyMessage(message -> {
                    child.tell(message);
                    return socketEnded(message) && !socketEnded ? running(child, socket, true) : Behaviors.same();
                })
                .onSignal(Terminated.class, terminated -> {
                    if (socketEnded) {
                        return Behaviors.stopped();
                    }
                    // Ignored by the stream when the connection already closed the socket.
                    socket.tell(new SocketOut.CloseSocket(
                            CloseCodes.SERVICE_RESTART.code(), "connection ended, reconnect"));
                    return awaitingSocketEnd();
                })
                .build();
    }

    /** The connection is gone; stay until the flow reports the socket's end, so that report is not a dead letter. */
    private static Behavior<ClientConnection.Command> awaitingSocketEnd() {
        return Behaviors.receive(ClientConnection.Command.class)
                .onAnyMessage(message -> socketEnded(message) ? Behaviors.stopped() : Behaviors.same())
                .build();
    }

    private static boolean socketEnded(ClientConnection.Command message) {
        return message instanceof ClientConnection.SocketClosed || message instanceof ClientConnection.SocketFailed;
    }
}
