package org.civicpress.realtime.protocol;

/** First varUint of every y-websocket frame (y-websocket 1.x-3.x). */
public final class MessageType {
    public static final int SYNC = 0;
    public static final int AWARENESS = 1;
    public static final int AUTH = 2;
    public static final int QUERY_AWARENESS = 3;

    private MessageType() {}
}
