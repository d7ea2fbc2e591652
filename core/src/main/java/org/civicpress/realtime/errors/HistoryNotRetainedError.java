package org.civicpress.realtime.errors;

import java.util.Map;

/**
 * The journal no longer holds the events a history request needs (HTTP 410): snapshot retention deleted them
 * ({@code snapshots.delete_events_on_snapshot}, {@code history.retain_events}, docs/history.md). The details
 * name the oldest point that can still be read ({@code oldestSequenceNr}).
 */
public class HistoryNotRetainedError extends RealtimeError {
    public HistoryNotRetainedError(String message, Map<String, ?> details) {
        super(ErrorCode.HISTORY_NOT_RETAINED, message, details, null, null);
    }
}
