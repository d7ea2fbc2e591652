package org.civicpress.ycrdt;

import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.Encoding;
import org.civicpress.ycrdt.utils.Updates;

/**
 * The public entry points, like Yjs's index.js. Every function that reads an update throws
 * {@link InvalidUpdateException} on malformed input and then leaves the document unchanged.
 */
public final class Y {
    private Y() {}

    public static void applyUpdate(Doc doc, byte[] update) {
        Encoding.applyUpdate(doc, update, null);
    }

    public static void applyUpdate(Doc doc, byte[] update, Object origin) {
        Encoding.applyUpdate(doc, update, origin);
    }

    public static void applyUpdateV2(Doc doc, byte[] update) {
        Encoding.applyUpdateV2(doc, update, null);
    }

    public static void applyUpdateV2(Doc doc, byte[] update, Object origin) {
        Encoding.applyUpdateV2(doc, update, origin);
    }

    /** The whole document as one V1 update. */
    public static byte[] encodeStateAsUpdate(Doc doc) {
        return encodeStateAsUpdate(doc, null);
    }

    /** What a peer with the given (V1-encoded) state vector is missing; null = everything. */
    public static byte[] encodeStateAsUpdate(Doc doc, byte[] encodedStateVector) {
        return Encoding.encodeStateAsUpdate(doc, encodedStateVector, false);
    }

    public static byte[] encodeStateAsUpdateV2(Doc doc) {
        return encodeStateAsUpdateV2(doc, null);
    }

    public static byte[] encodeStateAsUpdateV2(Doc doc, byte[] encodedStateVector) {
        return Encoding.encodeStateAsUpdate(doc, encodedStateVector, true);
    }

    public static byte[] encodeStateVector(Doc doc) {
        return Encoding.encodeStateVector(doc);
    }

    public static Map<Long, Long> decodeStateVector(byte[] sv) {
        return Encoding.decodeStateVector(sv);
    }

    public static byte[] mergeUpdates(List<byte[]> updates) {
        return Updates.mergeUpdates(updates);
    }

    public static byte[] mergeUpdatesV2(List<byte[]> updates) {
        return Updates.mergeUpdatesV2(updates);
    }

    public static byte[] diffUpdate(byte[] update, byte[] sv) {
        return Updates.diffUpdate(update, sv);
    }

    public static byte[] diffUpdateV2(byte[] update, byte[] sv) {
        return Updates.diffUpdateV2(update, sv);
    }

    public static byte[] encodeStateVectorFromUpdate(byte[] update) {
        return Updates.encodeStateVectorFromUpdate(update);
    }

    public static byte[] encodeStateVectorFromUpdateV2(byte[] update) {
        return Updates.encodeStateVectorFromUpdateV2(update);
    }

    public static byte[] convertUpdateFormatV1ToV2(byte[] update) {
        return Updates.convertUpdateFormatV1ToV2(update);
    }

    public static byte[] convertUpdateFormatV2ToV1(byte[] update) {
        return Updates.convertUpdateFormatV2ToV1(update);
    }
}
