package org.civicpress.realtime.errors;

import org.civicpress.ycrdt.lib0.Json;

/**
 * JSON for error bodies, webhook payloads and the webhook dead-letter file. One serializer in the whole
 * server: ycrdt's {@link Json#stringify}, which writes what JavaScript's {@code JSON.stringify} writes
 * (number formatting, escapes; consumers are JavaScript). Maps, lists and other collections, arrays,
 * strings, numbers (NaN and infinities as null), booleans, null; anything else as its string form. Map
 * iteration order is kept (integer-like keys first, as JavaScript orders them), so payloads are
 * deterministic: webhook signatures are computed over the exact bytes.
 */
public final class JsonWriter {
    private JsonWriter() {}

    public static String write(Object value) {
        return Json.stringify(value);
    }
}
