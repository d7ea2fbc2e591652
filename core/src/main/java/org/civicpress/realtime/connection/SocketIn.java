package org.civicpress.realtime.connection;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a WebSocket hands the connection behind it, from the socket's stream: each complete client message in
 * order, then the socket's end. Called on the stream's thread; implementations must not block it.
 */
public interface SocketIn {

    /** One complete binary message from the client. */
    void fromClient(byte[] message);

    /** The socket ended: closed ({@code failure} null) or failed. Called once, after the last message. */
    void ended(Throwable failure);

    /** A connection that is one actor speaking {@link ClientConnection.Command} (the Hocuspocus endpoint's). */
    static SocketIn toActor(ActorRef<ClientConnection.Command> connection) {
        return new SocketIn() {
            @Override
            public void fromClient(byte[] message) {
                connection.tell(new ClientConnection.FromSocket(message));
            }

            @Override
            public void ended(Throwable failure) {
                connection.tell(
                        failure == null
                                ? new ClientConnection.SocketClosed()
                                : new ClientConnection.SocketFailed(failure));
            }
        };
    }
}
