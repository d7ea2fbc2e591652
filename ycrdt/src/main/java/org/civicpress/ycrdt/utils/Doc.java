package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.structs.ContentDoc;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.types.YArray;
import org.civicpress.ycrdt.types.YMap;
import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.types.YXmlElement;
import org.civicpress.ycrdt.types.YXmlFragment;

/**
 * A Yjs document (Doc.js): a set of named top-level shared types plus the struct store.
 * Not thread-safe: like a Yjs doc, use it from one thread at a time.
 */
public final class Doc {
    private final boolean gc;
    /** Called before an item is garbage collected; false keeps it. */
    public final Predicate<Item> gcFilter;

    long clientID;
    private final String guid;
    public final String collectionid;
    /** Top-level types by name, in definition order. */
    public final Map<String, AbstractType> share = new LinkedHashMap<>();

    public final StructStore store = new StructStore();
    Transaction _transaction;
    final List<Transaction> _transactionCleanups = new ArrayList<>();
    public final Set<Doc> subdocs = new LinkedHashSet<>();
    /** The item holding this doc if it is a subdocument. */
    public Item _item;

    public boolean shouldLoad;
    public final boolean autoLoad;
    public final Object meta;
    public boolean isDestroyed;

    private final List<UpdateListener> updateListeners = new ArrayList<>(1);
    private final List<UpdateListener> updateV2Listeners = new ArrayList<>(1);
    private final List<Consumer<Transaction>> afterTransactionListeners = new ArrayList<>(1);

    public Doc() {
        this(DocOptions.defaults());
    }

    public Doc(DocOptions opts) {
        this.gc = opts.gc();
        this.gcFilter = item -> true;
        this.clientID = opts.clientId() != null ? opts.clientId() : generateNewClientId();
        this.guid = opts.guid() != null ? opts.guid() : UUID.randomUUID().toString();
        this.collectionid = opts.collectionid();
        this.shouldLoad = opts.shouldLoad();
        this.autoLoad = opts.autoLoad();
        this.meta = opts.meta();
    }

    /** A random unsigned 32-bit client id, like Yjs's random.uint32(). */
    public static long generateNewClientId() {
        return ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
    }

    public long clientID() {
        return clientID;
    }

    public String guid() {
        return guid;
    }

    public boolean gc() {
        return gc;
    }

    /** Ask to load this subdocument: the parent's next transaction reports it in subdocsLoaded. */
    public void load() {
        Item item = _item;
        if (item != null && !shouldLoad) {
            ((AbstractType) item.parent).doc.transact(transaction -> {
                transaction.subdocsLoaded().add(this);
            });
        }
        shouldLoad = true;
    }

    /** Guids of the subdocuments currently in this document. */
    public Set<String> getSubdocGuids() {
        Set<String> guids = new LinkedHashSet<>();
        for (Doc d : subdocs) {
            guids.add(d.guid());
        }
        return guids;
    }

    /** The running transaction, or null. */
    public Transaction currentTransaction() {
        return _transaction;
    }

    public <T> T transact(Function<Transaction, T> f, Object origin) {
        return Transaction.transact(this, f, origin, true);
    }

    /** Runs f in a transaction with origin null (use the Function form to pass an origin). */
    public void transact(Consumer<Transaction> f) {
        Transaction.transact(
                this,
                tr -> {
                    f.accept(tr);
                    return null;
                },
                null,
                true);
    }

    /**
     * The top-level type `name`. Created with factory if absent; an untyped AbstractType (created by a
     * remote update) is re-typed to the requested class. Throws if defined with a different class.
     */
    public <T extends AbstractType> T get(String name, Class<T> typeClass, Supplier<T> factory) {
        AbstractType type = share.get(name);
        if (type == null) {
            T t = factory.get();
            t._integrate(this, null);
            share.put(name, t);
            return t;
        }
        if (typeClass != AbstractType.class && type.getClass() != typeClass) {
            if (type.getClass() == AbstractType.class) {
                T t = factory.get();
                t._map.putAll(type._map);
                for (Item n : type._map.values()) {
                    for (; n != null; n = n.left) {
                        n.parent = t;
                    }
                }
                t._start = type._start;
                for (Item n = t._start; n != null; n = n.right) {
                    n.parent = t;
                }
                t._length = type._length;
                share.put(name, t);
                t._integrate(this, null);
                return t;
            }
            throw new IllegalStateException(
                    "Type with the name " + name + " has already been defined with a different constructor");
        }
        return typeClass.cast(type);
    }

    /** The top-level type `name` as whatever it is (an untyped AbstractType if created remotely). */
    public AbstractType get(String name) {
        return get(name, AbstractType.class, AbstractType::new);
    }

    public YText getText(String name) {
        return get(name, YText.class, YText::new);
    }

    public YArray getArray(String name) {
        return get(name, YArray.class, YArray::new);
    }

    public YMap getMap(String name) {
        return get(name, YMap.class, YMap::new);
    }

    public YXmlFragment getXmlFragment(String name) {
        return get(name, YXmlFragment.class, YXmlFragment::new);
    }

    public YXmlElement getXmlElement(String name) {
        return get(name, YXmlElement.class, YXmlElement::new);
    }

    /** Every top-level type's toJSON() (Doc.js toJSON; untyped types give undefined). */
    public Map<String, Object> toJSON() {
        Map<String, Object> doc = new LinkedHashMap<>();
        share.forEach((key, value) -> doc.put(key, value.toJSON()));
        return AbstractType.jsObjectOrder(doc);
    }

    public String toJSONString() {
        return Json.stringify(toJSON());
    }

    /** Pending structs or a pending delete set wait for missing updates. */
    public boolean hasPending() {
        return store.pendingStructs != null || store.pendingDs != null;
    }

    /** Register an update listener (V1 updates); returns a Runnable that unsubscribes. */
    public Runnable onUpdate(UpdateListener l) {
        updateListeners.add(l);
        return () -> updateListeners.remove(l);
    }

    public Runnable onUpdateV2(UpdateListener l) {
        updateV2Listeners.add(l);
        return () -> updateV2Listeners.remove(l);
    }

    public Runnable onAfterTransaction(Consumer<Transaction> l) {
        afterTransactionListeners.add(l);
        return () -> afterTransactionListeners.remove(l);
    }

    void emitAfterTransaction(Transaction transaction) {
        for (Consumer<Transaction> l : List.copyOf(afterTransactionListeners)) {
            l.accept(transaction);
        }
    }

    void emitUpdates(Transaction transaction) {
        RuntimeException error = null;
        if (!updateListeners.isEmpty()) {
            UpdateEncoderV1 encoder = new UpdateEncoderV1();
            if (Transaction.writeUpdateMessageFromTransaction(encoder, transaction)) {
                byte[] update = encoder.toUint8Array();
                for (UpdateListener l : List.copyOf(updateListeners)) {
                    try {
                        l.onUpdate(update, transaction.origin, transaction);
                    } catch (RuntimeException e) {
                        error = error == null ? e : error;
                    }
                }
            }
        }
        if (!updateV2Listeners.isEmpty()) {
            UpdateEncoderV2 encoder = new UpdateEncoderV2();
            if (Transaction.writeUpdateMessageFromTransaction(encoder, transaction)) {
                byte[] update = encoder.toUint8Array();
                for (UpdateListener l : List.copyOf(updateV2Listeners)) {
                    try {
                        l.onUpdate(update, transaction.origin, transaction);
                    } catch (RuntimeException e) {
                        error = error == null ? e : error;
                    }
                }
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /** Destroy subdocuments, detach this doc if it is a subdocument and drop all listeners. */
    public void destroy() {
        isDestroyed = true;
        for (Doc subdoc : List.copyOf(subdocs)) {
            subdoc.destroy();
        }
        Item item = _item;
        if (item != null) {
            _item = null;
            Doc parentDoc = ((AbstractType) item.parent).doc;
            // once the item is deleted and collected its content is ContentDeleted: nothing to replace
            // (Yjs then sets the new doc on the ContentDeleted object, which has no effect)
            Doc replacement;
            if (item.content instanceof ContentDoc content) {
                replacement = new Doc(DocOptions.defaults()
                        .withGuid(guid)
                        .withGc(gc)
                        .withAutoLoad(autoLoad)
                        .withMeta(meta)
                        .withShouldLoad(false));
                content.doc = replacement;
                replacement._item = item;
            } else {
                replacement = null;
            }
            parentDoc.transact(transaction -> {
                if (replacement != null && !item.deleted()) {
                    transaction.subdocsAdded().add(replacement);
                }
                transaction.subdocsRemoved().add(this);
            });
        }
        updateListeners.clear();
        updateV2Listeners.clear();
        afterTransactionListeners.clear();
    }

    @Override
    public String toString() {
        return "Doc(" + guid + ")";
    }
}
