package org.civicpress.realtime.roomtypes;

/** The default type: a collaborative Yjs document, journaled, every client may write. */
record DocumentRoomType() implements RoomType {
    @Override
    public String name() {
        return "document";
    }

    @Override
    public boolean journaled() {
        return true;
    }
}
