package org.civicpress.realtime.connection;

/** What a {@link ClientConnection} asks the WebSocket flow (http module) to do with the socket. */
public sealed interface SocketOut {

    /** Send one binary frame. */
    record Frame(byte[] bytes) implements SocketOut {}

    /** Close the socket with this close code and reason, then complete the flow. */
    record CloseSocket(int code, String reason) implements SocketOut {}
}
