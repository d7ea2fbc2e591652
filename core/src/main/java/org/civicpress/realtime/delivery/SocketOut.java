package org.civicpress.realtime.delivery;

/**
 * What goes to a client's WebSocket (the http module's flow writes it): from its connection actor, from a room
 * in the same JVM, or from its node's {@link NodeRelay}.
 */
public sealed interface SocketOut {

    /** Send one binary frame. */
    record Frame(byte[] bytes) implements SocketOut {}

    /** Close the socket with this close code and reason, then complete the flow. */
    record CloseSocket(int code, String reason) implements SocketOut {}
}
