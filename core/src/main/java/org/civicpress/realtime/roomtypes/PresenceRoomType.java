package org.civicpress.realtime.roomtypes;

/**
 * Awareness only (who is here, cursors, "is typing"): nothing is journaled, no document is shared.
 * See {@link RoomType#journaled()} for what the room does with Yjs sync messages.
 */
record PresenceRoomType() implements RoomType {
    @Override
    public String name() {
        return "presence";
    }

    @Override
    public boolean journaled() {
        return false;
    }
}
