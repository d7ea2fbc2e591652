package org.civicpress.realtime.api;

import org.civicpress.ycrdt.utils.TopLevelTypes;

/**
 * The JSON of a whole document for the CivicPress API. A server never calls {@code getText()} and the
 * like, so its top-level types are untyped and {@code Doc.toJSON()} would print {@code {}} (as Yjs does).
 * The types get their kind from what they hold by {@link TopLevelTypes}, the same rule the {@code ydoc}
 * operator CLI uses, so both print the same JSON for one document.
 */
public final class DocumentJson {
    private DocumentJson() {}

    /** {@code encodedState}: one Yjs v1 update holding the whole document (the room snapshot). */
    public static String of(byte[] encodedState) {
        return TopLevelTypes.typedJson(encodedState);
    }
}
