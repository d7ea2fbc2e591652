package org.civicpress.realtime.delivery;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * What goes to a client's WebSocket: written from its connection actor, from a room in the same JVM, or from its
 * node's {@link NodeRelay}, on any thread. Implementations never block the writer: the http module's socket
 * queues the frame and wakes its stream only when that stream is idle (no actor message per frame); a client
 * too slow to read is closed with 1013 instead of being buffered without bound.
 *
 * <p>A socket ends at its first {@link #close}: frames written before it go out first, anything written after is
 * dropped (so a room that still broadcasts to a member it is about to remove does no harm).
 */
public interface SocketOut {

    /** Sends one binary frame (the array is not copied: the writer must not change it afterwards). */
    void send(byte[] frame);

    /** Sends a close frame with this code and reason after the frames already written; later writes are dropped. */
    void close(int code, String reason);

    /** What an actor-backed socket receives (tests, tools): each {@link #send} and {@link #close} as a message. */
    sealed interface Written {}

    /** One binary frame. */
    record Frame(byte[] bytes) implements Written {}

    /** The close, with its code and reason. */
    record CloseSocket(int code, String reason) implements Written {}

    /** A socket whose frames and close go to {@code ref} as {@link Written} messages. */
    static SocketOut toActor(ActorRef<? super Written> ref) {
        return new SocketOut() {
            @Override
            public void send(byte[] frame) {
                ref.tell(new Frame(frame));
            }

            @Override
            public void close(int code, String reason) {
                ref.tell(new CloseSocket(code, reason));
            }

            @Override
            public String toString() {
                return "SocketOut(" + ref.path() + ")";
            }
        };
    }
}
