package org.civicpress.ycrdt.structs;

import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.utils.UpdateDecoder;

/** readItemContent dispatch (Item.js contentRefs) and shared decoding checks. */
public final class Contents {
    private Contents() {}

    /** Reads the content of an item whose info byte is `info` (low 5 bits = content ref). */
    public static AbstractContent readItemContent(UpdateDecoder decoder, int info) {
        return switch (info & 0x1f) {
            case ContentDeleted.REF -> ContentDeleted.read(decoder);
            case ContentJSON.REF -> ContentJSON.read(decoder);
            case ContentBinary.REF -> ContentBinary.read(decoder);
            case ContentString.REF -> ContentString.read(decoder);
            case ContentEmbed.REF -> ContentEmbed.read(decoder);
            case ContentFormat.REF -> ContentFormat.read(decoder);
            case ContentType.REF -> ContentType.read(decoder);
            case ContentAny.REF -> ContentAny.read(decoder);
            case ContentDoc.REF -> ContentDoc.read(decoder);
            default -> throw new InvalidUpdateException("unknown content ref " + (info & 0x1f));
        };
    }

    /** A declared length must fit an int (we never allocate from it directly). */
    static int checkedLen(long len, String what) {
        if (len < 0 || len > Integer.MAX_VALUE) {
            throw new InvalidUpdateException(what + ": length " + len + " out of range");
        }
        return (int) len;
    }

    static Object parseJson(String s, String what) {
        try {
            return Json.parse(s);
        } catch (InvalidUpdateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidUpdateException(what + ": invalid JSON: " + e.getMessage(), e);
        }
    }
}
