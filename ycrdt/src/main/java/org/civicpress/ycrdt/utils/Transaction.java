package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.civicpress.ycrdt.structs.AbstractStruct;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.types.AbstractType;

/**
 * A batch of changes on a Doc (Transaction.js). Observers and update listeners are called once
 * per transaction, after it ends.
 */
public final class Transaction {
    public final Doc doc;
    /** Everything deleted in this transaction. */
    public final DeleteSet deleteSet = new DeleteSet();
    /** client -> clock before the transaction started. */
    public final Map<Long, Long> beforeState;
    /** client -> clock after the transaction (set during cleanup). */
    public Map<Long, Long> afterState = new HashMap<>();
    /** Types directly modified, with the changed keys (null = list part). New types are not included. */
    public final Map<AbstractType, Set<String>> changed = new LinkedHashMap<>();
    /** Events per type for deep observers. */
    public final Map<AbstractType, List<YEvent>> changedParentTypes = new LinkedHashMap<>();
    /** Structs to try merging with their neighbours after the transaction. */
    public final List<AbstractStruct> _mergeStructs = new ArrayList<>();

    public final Object origin;
    /** Free-form per-transaction data for observers (created on first use). */
    private Map<Object, Object> meta;
    /** Whether this change originates from this doc (false for applied updates). */
    public boolean local;
    // subdocument changes: rare, so created on first use
    private Set<Doc> subdocsAdded;
    private Set<Doc> subdocsRemoved;
    private Set<Doc> subdocsLoaded;
    public boolean _needFormattingCleanup;
    /** Nested types whose children still have to be deleted (ContentType.delete without recursion). */
    public java.util.ArrayDeque<org.civicpress.ycrdt.structs.ContentType> _typesToDelete;

    Transaction(Doc doc, Object origin, boolean local) {
        this.doc = doc;
        this.beforeState = doc.store.getStateVector();
        this.origin = origin;
        this.local = local;
    }

    public Map<Object, Object> meta() {
        if (meta == null) {
            meta = new HashMap<>();
        }
        return meta;
    }

    public Set<Doc> subdocsAdded() {
        if (subdocsAdded == null) {
            subdocsAdded = new LinkedHashSet<>();
        }
        return subdocsAdded;
    }

    public Set<Doc> subdocsRemoved() {
        if (subdocsRemoved == null) {
            subdocsRemoved = new LinkedHashSet<>();
        }
        return subdocsRemoved;
    }

    public Set<Doc> subdocsLoaded() {
        if (subdocsLoaded == null) {
            subdocsLoaded = new LinkedHashSet<>();
        }
        return subdocsLoaded;
    }

    /** beforeState.get(client) || 0 */
    public long beforeStateOf(long client) {
        Long c = beforeState.get(client);
        return c == null ? 0 : c;
    }

    /** The id the next local insertion gets. */
    public static ID nextID(Transaction transaction) {
        Doc y = transaction.doc;
        return new ID(y.clientID(), y.store.getState(y.clientID()));
    }

    /**
     * Record that type changed (under parentSub). If the type itself was added in this transaction it
     * did not change, it was just added: no event for it.
     */
    public static void addChangedTypeToTransaction(Transaction transaction, AbstractType type, String parentSub) {
        Item item = type._item;
        if (item == null || (item.id.clock() < transaction.beforeStateOf(item.id.client()) && !item.deleted())) {
            transaction
                    .changed
                    .computeIfAbsent(type, k -> new LinkedHashSet<>())
                    .add(parentSub);
        }
    }

    /** Writes this transaction's changes as an update; false if nothing changed. */
    public static boolean writeUpdateMessageFromTransaction(UpdateEncoder encoder, Transaction transaction) {
        if (transaction.deleteSet.clients.isEmpty() && !stateChanged(transaction)) {
            return false;
        }
        DeleteSet.sortAndMergeDeleteSet(transaction.deleteSet);
        Encoding.writeStructsFromTransaction(encoder, transaction);
        DeleteSet.writeDeleteSet(encoder, transaction.deleteSet);
        return true;
    }

    private static boolean stateChanged(Transaction transaction) {
        for (Map.Entry<Long, Long> e : transaction.afterState.entrySet()) {
            if (!e.getValue().equals(transaction.beforeState.get(e.getKey()))) {
                return true;
            }
        }
        return false;
    }

    /** Merge structs[pos] into its left neighbours as far as possible; returns how many were merged. */
    static int tryToMergeWithLefts(List<AbstractStruct> structs, int pos) {
        AbstractStruct right = structs.get(pos);
        AbstractStruct left = structs.get(pos - 1);
        int i = pos;
        for (; i > 0; right = left, left = i - 2 >= 0 ? structs.get(i - 2) : null, i--) {
            if (left.deleted() == right.deleted() && left.getClass() == right.getClass()) {
                if (left.mergeWith(right)) {
                    if (right instanceof Item r
                            && r.parentSub != null
                            && ((AbstractType) r.parent)._map.get(r.parentSub) == r) {
                        ((AbstractType) r.parent)._map.put(r.parentSub, (Item) left);
                    }
                    continue;
                }
            }
            break;
        }
        int merged = pos - i;
        if (merged > 0) {
            // remove all merged structs from the array
            structs.subList(pos + 1 - merged, pos + 1).clear();
        }
        return merged;
    }

    static void tryGcDeleteSet(DeleteSet ds, StructStore store, java.util.function.Predicate<Item> gcFilter) {
        for (Map.Entry<Long, List<DeleteItem>> e : ds.clients.entrySet()) {
            List<AbstractStruct> structs = store.clients.get(e.getKey());
            List<DeleteItem> deleteItems = e.getValue();
            for (int di = deleteItems.size() - 1; di >= 0; di--) {
                DeleteItem deleteItem = deleteItems.get(di);
                long endDeleteItemClock = deleteItem.clock() + deleteItem.len();
                for (int si = StructStore.findIndexSS(structs, deleteItem.clock()); si < structs.size(); si++) {
                    AbstractStruct struct = structs.get(si);
                    if (struct.id.clock() >= endDeleteItemClock) {
                        break;
                    }
                    if (struct instanceof Item item && item.deleted() && !item.keep() && gcFilter.test(item)) {
                        item.gc(store, false);
                    }
                }
            }
        }
    }

    static void tryMergeDeleteSet(DeleteSet ds, StructStore store) {
        // merge from right to left for better efficiency and so we don't miss any merge targets
        for (Map.Entry<Long, List<DeleteItem>> e : ds.clients.entrySet()) {
            List<AbstractStruct> structs = store.clients.get(e.getKey());
            List<DeleteItem> deleteItems = e.getValue();
            for (int di = deleteItems.size() - 1; di >= 0; di--) {
                DeleteItem deleteItem = deleteItems.get(di);
                // start with merging the item next to the last deleted item
                int mostRightIndexToCheck = Math.min(
                        structs.size() - 1,
                        1 + StructStore.findIndexSS(structs, deleteItem.clock() + deleteItem.len() - 1));
                for (int si = mostRightIndexToCheck;
                        si > 0 && structs.get(si).id.clock() >= deleteItem.clock(); ) {
                    si -= 1 + tryToMergeWithLefts(structs, si);
                }
            }
        }
    }

    /** GC and merge the structs in ds (Yjs tryGc). */
    public static void tryGc(DeleteSet ds, StructStore store, java.util.function.Predicate<Item> gcFilter) {
        tryGcDeleteSet(ds, store, gcFilter);
        tryMergeDeleteSet(ds, store);
    }

    /** Call all tasks even if some throw (tasks may append more); rethrow the first error at the end. */
    static void callAll(List<Runnable> fs) {
        RuntimeException first = null;
        for (int i = 0; i < fs.size(); i++) {
            try {
                fs.get(i).run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static void cleanupTransactions(List<Transaction> transactionCleanups, int i) {
        while (i < transactionCleanups.size()) {
            Transaction transaction = transactionCleanups.get(i);
            RuntimeException error = null;
            try {
                transaction.runObservers();
            } catch (RuntimeException e) {
                error = e;
            }
            try {
                transaction.cleanupStore();
            } catch (RuntimeException e) {
                if (error == null) {
                    error = e;
                }
            }
            try {
                transaction.emitUpdates();
            } catch (RuntimeException e) {
                if (error == null) {
                    error = e;
                }
            }
            i++;
            if (transactionCleanups.size() <= i) {
                transaction.doc._transactionCleanups.clear();
            }
            if (error != null) {
                if (i < transactionCleanups.size()) {
                    // finish the remaining cleanups before surfacing the error (Yjs's finally chain)
                    try {
                        cleanupTransactions(transactionCleanups, i);
                    } catch (RuntimeException ignored) {
                        // the first error wins
                    }
                }
                throw error;
            }
        }
    }

    private void runObservers() {
        DeleteSet.sortAndMergeDeleteSet(deleteSet);
        afterState = doc.store.getStateVector();
        List<Runnable> fs = new ArrayList<>();
        // observe events on changed types
        changed.forEach((itemtype, subs) -> fs.add(() -> {
            if (itemtype._item == null || !itemtype._item.deleted()) {
                itemtype._callObserver(this, subs);
            }
        }));
        fs.add(() -> {
            // deep observe events
            changedParentTypes.forEach((type, events) -> {
                if (type.hasDeepObservers() && (type._item == null || !type._item.deleted())) {
                    fs.add(() -> {
                        List<YEvent> evs = new ArrayList<>();
                        for (YEvent event : events) {
                            if (event.target._item == null || !event.target._item.deleted()) {
                                event.currentTarget = type;
                                // path is relative to the current target
                                event._path = null;
                                evs.add(event);
                            }
                        }
                        // sort events by path length so that top-level events are fired first
                        evs.sort((a, b) ->
                                Integer.compare(a.path().size(), b.path().size()));
                        type.callDeepObservers(evs, this);
                    });
                }
            });
            fs.add(() -> doc.emitAfterTransaction(this));
            fs.add(() -> {
                if (_needFormattingCleanup) {
                    org.civicpress.ycrdt.types.YText.cleanupYTextAfterTransaction(this);
                }
            });
        });
        callAll(fs);
    }

    /** Replace deleted content with ContentDeleted/GC and merge neighbours: this is where memory is freed. */
    private void cleanupStore() {
        StructStore store = doc.store;
        DeleteSet ds = deleteSet;
        if (doc.gc()) {
            tryGcDeleteSet(ds, store, doc.gcFilter);
        }
        tryMergeDeleteSet(ds, store);
        // on all affected store.clients props, try to merge
        afterState.forEach((client, clock) -> {
            long beforeClock = beforeStateOf(client);
            if (beforeClock != clock) {
                List<AbstractStruct> structs = store.clients.get(client);
                // iterate from right to left so we can safely remove entries
                int firstChangePos = Math.max(StructStore.findIndexSS(structs, beforeClock), 1);
                for (int i = structs.size() - 1; i >= firstChangePos; ) {
                    i -= 1 + tryToMergeWithLefts(structs, i);
                }
            }
        });
        // try to merge mergeStructs
        for (int i = _mergeStructs.size() - 1; i >= 0; i--) {
            AbstractStruct ms = _mergeStructs.get(i);
            List<AbstractStruct> structs = store.clients.get(ms.id.client());
            int replacedStructPos = StructStore.findIndexSS(structs, ms.id.clock());
            if (replacedStructPos + 1 < structs.size()) {
                if (tryToMergeWithLefts(structs, replacedStructPos + 1) > 1) {
                    continue; // no need to perform next check, both are already merged
                }
            }
            if (replacedStructPos > 0) {
                tryToMergeWithLefts(structs, replacedStructPos);
            }
        }
        if (!local && !java.util.Objects.equals(afterState.get(doc.clientID()), beforeState.get(doc.clientID()))) {
            System.getLogger("org.civicpress.ycrdt")
                    .log(
                            System.Logger.Level.WARNING,
                            "Changed the client-id because another client seems to be using it.");
            doc.clientID = Doc.generateNewClientId();
        }
    }

    private void emitUpdates() {
        RuntimeException error = null;
        try {
            doc.emitUpdates(this);
        } catch (RuntimeException e) {
            error = e;
        }
        if (subdocsAdded != null || subdocsRemoved != null || subdocsLoaded != null) {
            for (Doc subdoc : subdocsAdded()) {
                subdoc.clientID = doc.clientID();
                doc.subdocs.add(subdoc);
            }
            for (Doc subdoc : subdocsRemoved()) {
                doc.subdocs.remove(subdoc);
            }
            for (Doc subdoc : List.copyOf(subdocsRemoved())) {
                subdoc.destroy();
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /** Runs f in a transaction on doc (nested calls join the outer transaction). */
    public static <T> T transact(Doc doc, java.util.function.Function<Transaction, T> f, Object origin, boolean local) {
        List<Transaction> transactionCleanups = doc._transactionCleanups;
        boolean initialCall = false;
        if (doc._transaction == null) {
            initialCall = true;
            doc._transaction = new Transaction(doc, origin, local);
            transactionCleanups.add(doc._transaction);
        }
        try {
            return f.apply(doc._transaction);
        } finally {
            if (initialCall) {
                boolean finishCleanup = doc._transaction == transactionCleanups.get(0);
                doc._transaction = null;
                if (finishCleanup) {
                    // observers may create new transactions; these are cleaned up one after another, not nested
                    cleanupTransactions(transactionCleanups, 0);
                }
            }
        }
    }
}
