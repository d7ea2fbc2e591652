package org.civicpress.realtime.roomtypes;

import org.civicpress.realtime.errors.CloseCodes;

/** A room type's verdict on one client update. */
public sealed interface UpdateCheck {

    UpdateCheck ACCEPT = new Accept();

    /** Apply, journal and broadcast the update. */
    record Accept() implements UpdateCheck {}

    /**
     * Refuse it: the connection is closed with {@code closeCode} and the room is left unchanged.
     *
     * @param metricReason label of {@code realtime_messages_rejected_total} (keep the set small)
     */
    record Reject(int closeCode, String reason, String metricReason) implements UpdateCheck {}

    /** The usual refusal of a read-only room: 4403. */
    static UpdateCheck forbidden(String reason) {
        return new Reject(CloseCodes.PERMISSION_DENIED.code(), reason, "forbidden");
    }
}
