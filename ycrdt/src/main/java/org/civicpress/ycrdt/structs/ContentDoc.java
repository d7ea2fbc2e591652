package org.civicpress.ycrdt.structs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/**
 * A subdocument. Only its guid and options are part of the parent document; as in Yjs the options
 * written are rebuilt from the subdoc (gc=false, autoLoad=true, meta), not the ones read.
 */
public final class ContentDoc extends AbstractContent {
    public static final int REF = 9;
    public Doc doc;
    public final Map<String, Object> opts = new LinkedHashMap<>();

    public ContentDoc(Doc doc) {
        this.doc = doc;
        if (!doc.gc()) {
            opts.put("gc", Boolean.FALSE);
        }
        if (doc.autoLoad) {
            opts.put("autoLoad", Boolean.TRUE);
        }
        if (doc.meta != null) {
            opts.put("meta", doc.meta);
        }
    }

    @Override
    public int getLength() {
        return 1;
    }

    @Override
    public List<Object> getContent() {
        return Collections.singletonList(doc);
    }

    @Override
    public boolean isCountable() {
        return true;
    }

    @Override
    public ContentDoc copy() {
        return new ContentDoc(createDocFromOpts(doc.guid(), opts));
    }

    @Override
    public void integrate(Transaction transaction, Item item) {
        doc._item = item;
        transaction.subdocsAdded().add(doc);
        if (doc.shouldLoad) {
            transaction.subdocsLoaded().add(doc);
        }
    }

    @Override
    public void delete(Transaction transaction) {
        if (!transaction.subdocsAdded().remove(doc)) {
            transaction.subdocsRemoved().add(doc);
        }
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        encoder.writeString(doc.guid());
        encoder.writeAny(opts);
    }

    @Override
    public int getRef() {
        return REF;
    }

    /** `new Doc({ guid, ...opts, shouldLoad: opts.shouldLoad || opts.autoLoad || false })`. */
    static Doc createDocFromOpts(String guid, Object rawOpts) {
        if (rawOpts == null || rawOpts == Undefined.INSTANCE) {
            // Yjs reads opts.shouldLoad and throws a TypeError
            throw new InvalidUpdateException("ContentDoc options must not be null or undefined");
        }
        Map<?, ?> o = rawOpts instanceof Map<?, ?> m ? m : Map.of();
        Object g = o.get("guid");
        String docGuid = g instanceof String s ? s : guid;
        boolean gc = !o.containsKey("gc") || o.get("gc") == Undefined.INSTANCE || truthy(o.get("gc"));
        boolean autoLoad = truthy(o.get("autoLoad"));
        Object meta = o.get("meta") == Undefined.INSTANCE ? null : o.get("meta");
        boolean shouldLoad = truthy(o.get("shouldLoad")) || autoLoad;
        return new Doc(DocOptions.defaults()
                .withGuid(docGuid)
                .withGc(gc)
                .withAutoLoad(autoLoad)
                .withMeta(meta)
                .withShouldLoad(shouldLoad));
    }

    /** JS truthiness of an Any value. */
    static boolean truthy(Object v) {
        if (v == null || v == Undefined.INSTANCE) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        return true;
    }

    public static ContentDoc read(UpdateDecoder decoder) {
        String guid = decoder.readString();
        return new ContentDoc(createDocFromOpts(guid, decoder.readAny()));
    }
}
