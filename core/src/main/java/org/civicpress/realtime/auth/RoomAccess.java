package org.civicpress.realtime.auth;

/** What a principal may do in one room. Ordered: a higher constant includes the lower ones. */
public enum RoomAccess {
    /** Not even open the room (close 4403). */
    NONE,
    /** Sync and send awareness; every message that would change the document is refused. */
    READ,
    /** Everything. */
    WRITE;

    public boolean canRead() {
        return this != NONE;
    }

    public boolean canWrite() {
        return this == WRITE;
    }
}
