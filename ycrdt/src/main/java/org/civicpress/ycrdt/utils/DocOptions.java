package org.civicpress.ycrdt.utils;

/**
 * Options of a Doc (Yjs DocOpts). clientId null = random unsigned 32-bit; guid null = random UUID.
 * Use {@link #defaults()} and the with-methods.
 */
public record DocOptions(
        Long clientId,
        String guid,
        boolean gc,
        String collectionid,
        Object meta,
        boolean autoLoad,
        boolean shouldLoad) {

    public static DocOptions defaults() {
        return new DocOptions(null, null, true, null, null, false, true);
    }

    public DocOptions withClientId(long id) {
        return new DocOptions(id, guid, gc, collectionid, meta, autoLoad, shouldLoad);
    }

    public DocOptions withGuid(String g) {
        return new DocOptions(clientId, g, gc, collectionid, meta, autoLoad, shouldLoad);
    }

    public DocOptions withGc(boolean enabled) {
        return new DocOptions(clientId, guid, enabled, collectionid, meta, autoLoad, shouldLoad);
    }

    public DocOptions withMeta(Object m) {
        return new DocOptions(clientId, guid, gc, collectionid, m, autoLoad, shouldLoad);
    }

    public DocOptions withAutoLoad(boolean a) {
        return new DocOptions(clientId, guid, gc, collectionid, meta, a, shouldLoad);
    }

    public DocOptions withShouldLoad(boolean s) {
        return new DocOptions(clientId, guid, gc, collectionid, meta, autoLoad, s);
    }
}
