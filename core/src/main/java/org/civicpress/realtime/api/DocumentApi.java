package org.civicpress.realtime.api;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What rooms ask of, and tell, the CivicPress application. Implementations must never block the
 * caller (room actors): every call returns at once and does its work asynchronously.
 */
public interface DocumentApi {

    /** True when {@link #initialContent} may return content (an initial content URL is configured). */
    boolean providesInitialContent();

    /** True when {@link #pushSnapshot} sends anything (a snapshot push URL is configured). */
    boolean pushesSnapshots();

    /**
     * The initial content of a brand-new room as one Yjs v1 update, or empty when the application has
     * none for it. Completes exceptionally when the API stayed unreachable after every retry.
     */
    CompletionStage<Optional<byte[]>> initialContent(String roomId);

    /**
     * Sends the room's document as JSON (see {@link DocumentJson}) after a snapshot; fire-and-forget with
     * retries. {@code encodedState} is the snapshot (one Yjs update, never modified): the JSON is built off
     * the caller's thread. The stage completes with true when the API accepted it, false when it gave up.
     */
    CompletionStage<Boolean> pushSnapshot(String roomId, long sequenceNr, byte[] encodedState);
}
