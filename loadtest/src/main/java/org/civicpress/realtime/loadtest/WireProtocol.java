package org.civicpress.realtime.loadtest;

import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;

/**
 * The two dialects of the Yjs sync protocol the benchmark speaks. {@code y-websocket} (y-protocols,
 * used by y-websocket's server and ours): {@code [type][payload]}, room in the URL. Hocuspocus
 * prefixes every message with the document name and needs an Auth message before anything else.
 */
public sealed interface WireProtocol permits WireProtocol.YWebsocket, WireProtocol.Hocuspocus {
    int MESSAGE_SYNC = 0;
    int MESSAGE_AWARENESS = 1;
    int MESSAGE_AUTH = 2;
    int SYNC_STEP1 = 0;
    int SYNC_STEP2 = 1;
    int SYNC_UPDATE = 2;

    /** Messages to send right after the socket opens (before SyncStep1). */
    byte[][] openingMessages(String room);

    byte[] sync(String room, int syncType, byte[] payload);

    /** The answer to the server's SyncStep1. */
    byte[] syncReply(String room, byte[] update);

    byte[] awareness(String room, byte[] awarenessUpdate);

    /** Parses one server message; throws {@link IllegalArgumentException} on malformed bytes. */
    IncomingMessage parse(byte[] message);

    static WireProtocol named(String name) {
        return switch (name) {
            case "y-websocket", "yws" -> new YWebsocket();
            case "hocuspocus" -> new Hocuspocus();
            default -> throw new IllegalArgumentException(
                    "unknown protocol '" + name + "' (expected y-websocket or hocuspocus)");
        };
    }

    record YWebsocket() implements WireProtocol {
        @Override
        public byte[][] openingMessages(String room) {
            return new byte[0][];
        }

        @Override
        public byte[] sync(String room, int syncType, byte[] payload) {
            Encoder e = new Encoder(payload.length + 8);
            e.writeVarUint(MESSAGE_SYNC);
            e.writeVarUint(syncType);
            e.writeVarUint8Array(payload);
            return e.toUint8Array();
        }

        @Override
        public byte[] syncReply(String room, byte[] update) {
            return sync(room, SYNC_STEP2, update);
        }

        @Override
        public byte[] awareness(String room, byte[] awarenessUpdate) {
            Encoder e = new Encoder(awarenessUpdate.length + 8);
            e.writeVarUint(MESSAGE_AWARENESS);
            e.writeVarUint8Array(awarenessUpdate);
            return e.toUint8Array();
        }

        @Override
        public IncomingMessage parse(byte[] message) {
            return Messages.parseBody(message, new Decoder(message));
        }
    }

    record Hocuspocus() implements WireProtocol {
        private static final int MESSAGE_SYNC_REPLY = 4;
        private static final int AUTH_TOKEN = 0;
        private static final int AUTH_PERMISSION_DENIED = 1;
        private static final int AUTH_AUTHENTICATED = 2;

        @Override
        public byte[][] openingMessages(String room) {
            Encoder e = new Encoder();
            e.writeVarString(room);
            e.writeVarUint(MESSAGE_AUTH);
            e.writeVarUint(AUTH_TOKEN);
            e.writeVarString("");
            return new byte[][] {e.toUint8Array()};
        }

        @Override
        public byte[] sync(String room, int syncType, byte[] payload) {
            return prefixed(room, MESSAGE_SYNC, syncType, payload);
        }

        @Override
        public byte[] syncReply(String room, byte[] update) {
            // SyncReply (not Sync) so the server does not answer with yet another SyncStep1.
            return prefixed(room, MESSAGE_SYNC_REPLY, SYNC_STEP2, update);
        }

        @Override
        public byte[] awareness(String room, byte[] awarenessUpdate) {
            Encoder e = new Encoder(awarenessUpdate.length + room.length() + 8);
            e.writeVarString(room);
            e.writeVarUint(MESSAGE_AWARENESS);
            e.writeVarUint8Array(awarenessUpdate);
            return e.toUint8Array();
        }

        private static byte[] prefixed(String room, int type, int syncType, byte[] payload) {
            Encoder e = new Encoder(payload.length + room.length() + 8);
            e.writeVarString(room);
            e.writeVarUint(type);
            e.writeVarUint(syncType);
            e.writeVarUint8Array(payload);
            return e.toUint8Array();
        }

        @Override
        public IncomingMessage parse(byte[] message) {
            Decoder d = new Decoder(message);
            try {
                d.readVarString();
                int type = (int) d.peekVarUint();
                if (type == MESSAGE_AUTH) {
                    d.readVarUint();
                    int authType = (int) d.readVarUint();
                    String detail = d.hasContent() ? d.readVarString() : "";
                    return switch (authType) {
                        case AUTH_AUTHENTICATED -> new IncomingMessage.AuthResult(true, detail);
                        case AUTH_PERMISSION_DENIED -> new IncomingMessage.AuthResult(false, detail);
                        default -> new IncomingMessage.Other(type);
                    };
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("malformed hocuspocus message: " + e.getMessage(), e);
            }
            return Messages.parseBody(message, d);
        }
    }

    /** Shared parsing of {@code [type][syncType][varUint8Array]} once any prefix is consumed. */
    final class Messages {
        private Messages() {}

        static IncomingMessage parseBody(byte[] message, Decoder d) {
            try {
                int type = (int) d.readVarUint();
                if (type == MESSAGE_AWARENESS) {
                    return new IncomingMessage.Awareness();
                }
                if (type != MESSAGE_SYNC && type != Hocuspocus.MESSAGE_SYNC_REPLY) {
                    return new IncomingMessage.Other(type);
                }
                int syncType = (int) d.readVarUint();
                int len = (int) d.readVarUint();
                int from = d.offset();
                if (len < 0 || from + len > message.length) {
                    throw new IllegalArgumentException("payload length " + len + " exceeds the message");
                }
                return switch (syncType) {
                    case SYNC_STEP1 -> new IncomingMessage.SyncStep1(
                            java.util.Arrays.copyOfRange(message, from, from + len));
                    case SYNC_STEP2 -> new IncomingMessage.SyncStep2(message, from, from + len);
                    case SYNC_UPDATE -> new IncomingMessage.Update(message, from, from + len);
                    default -> throw new IllegalArgumentException("unknown sync message type " + syncType);
                };
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("malformed message: " + e, e);
            }
        }
    }
}
