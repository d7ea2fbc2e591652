package org.civicpress.ycrdt.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.structs.AbstractContent;
import org.civicpress.ycrdt.structs.ContentAny;
import org.civicpress.ycrdt.structs.ContentBinary;
import org.civicpress.ycrdt.structs.ContentDoc;
import org.civicpress.ycrdt.structs.ContentType;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.ID;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateEncoder;
import org.civicpress.ycrdt.utils.YEvent;

/**
 * Base of all shared types (AbstractType.js). Fields keep Yjs's names because the
 * struct/transaction code (Item, ContentType, Transaction) reads and writes them directly.
 */
public class AbstractType {
    static final int MAX_SEARCH_MARKER = 80;

    /** The item holding this type (ContentType), null for top-level types. */
    public Item _item;
    /** Map children by key (insertion ordered like a JS Map, which toJSON relies on). */
    public final Map<String, Item> _map = new LinkedHashMap<>();
    /** First item of the list part (may be deleted). */
    public Item _start;

    public Doc doc;
    /** Number of visible countable list elements (UTF-16 units for text). */
    public int _length;
    /** Shallow observers (Yjs _eH); created lazily: most types are never observed. */
    public List<BiConsumer<YEvent, Transaction>> _eH;
    /** Deep observers (Yjs _dEH); created lazily. */
    public List<BiConsumer<List<YEvent>, Transaction>> _dEH;
    /** Search markers; null for types that don't use them (maps, xml). */
    public List<ArraySearchMarker> _searchMarker;
    /** Set by ContentFormat.integrate; enables the YText formatting cleanup after remote changes. */
    public boolean _hasFormatting;

    public AbstractType() {}

    /** The parent type, or null for a top-level type. */
    public AbstractType parent() {
        return _item == null ? null : (AbstractType) _item.parent;
    }

    /** Integrate this type into the document (called by ContentType.integrate / Doc.get). */
    public void _integrate(Doc y, Item item) {
        this.doc = y;
        this._item = item;
    }

    /** A fresh empty instance of the same type (used when copying items). */
    public AbstractType _copy() {
        throw new UnsupportedOperationException("AbstractType._copy");
    }

    /** Writes the type reference (and for XML elements/hooks the node name). */
    public void _write(UpdateEncoder encoder) {}

    /** The first non-deleted item (Yjs `_first`). */
    public Item getFirst() {
        Item n = _start;
        while (n != null && n.deleted()) {
            n = n.right;
        }
        return n;
    }

    /**
     * Creates the type's event and calls its observers. Subclasses override and call super.
     *
     * @param parentSubs keys changed on this type; contains null if the list part changed
     */
    public void _callObserver(Transaction transaction, Set<String> parentSubs) {
        if (!transaction.local && _searchMarker != null) {
            _searchMarker.clear();
        }
    }

    public void observe(BiConsumer<YEvent, Transaction> f) {
        if (_eH == null) {
            _eH = new ArrayList<>(2);
        }
        _eH.add(f);
    }

    public void observeDeep(BiConsumer<List<YEvent>, Transaction> f) {
        if (_dEH == null) {
            _dEH = new ArrayList<>(2);
        }
        _dEH.add(f);
    }

    public void unobserve(BiConsumer<YEvent, Transaction> f) {
        if (_eH != null) {
            _eH.remove(f);
        }
    }

    public void unobserveDeep(BiConsumer<List<YEvent>, Transaction> f) {
        if (_dEH != null) {
            _dEH.remove(f);
        }
    }

    /** Calls the deep observers (Transaction calls this after the shallow events). */
    public void callDeepObservers(List<YEvent> events, Transaction transaction) {
        if (_dEH == null || _dEH.isEmpty()) {
            return;
        }
        // copy: a listener may unsubscribe while we iterate (as with Yjs's array copy)
        for (BiConsumer<List<YEvent>, Transaction> f : new ArrayList<>(_dEH)) {
            f.accept(events, transaction);
        }
    }

    public boolean hasDeepObservers() {
        return _dEH != null && !_dEH.isEmpty();
    }

    /** JSON value of this type as Yjs's toJSON() (Yjs's base class returns undefined). */
    public Object toJSON() {
        return Undefined.INSTANCE;
    }

    // ---------------------------------------------------------------------------------------
    // Search markers

    /**
     * Finds (and refreshes or creates) a marker near `index`. Returns null if markers are not
     * used by this type or index is 0.
     */
    static ArraySearchMarker findMarker(AbstractType yarray, int index) {
        List<ArraySearchMarker> markers = yarray._searchMarker;
        if (yarray._start == null || index == 0 || markers == null) {
            return null;
        }
        ArraySearchMarker marker = null;
        if (!markers.isEmpty()) {
            marker = markers.get(0);
            int best = Math.abs(index - marker.index);
            for (int i = 1, n = markers.size(); i < n; i++) {
                ArraySearchMarker m = markers.get(i);
                int d = Math.abs(index - m.index);
                if (d < best) { // like reduce(a, b) => |a| < |b| ? a : b keeps the later one on ties
                    best = d;
                    marker = m;
                } else if (d == best) {
                    marker = m;
                }
            }
        }
        Item p = yarray._start;
        int pindex = 0;
        if (marker != null) {
            p = marker.p;
            pindex = marker.index;
            marker.refreshTimestamp();
        }
        // iterate to right if possible
        while (p.right != null && pindex < index) {
            if (!p.deleted() && p.countable()) {
                if (index < pindex + p.length) {
                    break;
                }
                pindex += p.length;
            }
            p = p.right;
        }
        // iterate to left if necessary (might be that pindex > index)
        while (p.left != null && pindex > index) {
            p = p.left;
            if (!p.deleted() && p.countable()) {
                pindex -= p.length;
            }
        }
        // p must not be mergeable with its left neighbour, otherwise a merge would invalidate the marker
        while (p.left != null
                && p.left.id.client() == p.id.client()
                && p.left.id.clock() + p.left.length == p.id.clock()) {
            p = p.left;
            if (!p.deleted() && p.countable()) {
                pindex -= p.length;
            }
        }
        AbstractType parent = (AbstractType) p.parent;
        if (marker != null && Math.abs(marker.index - pindex) < (double) parent._length / MAX_SEARCH_MARKER) {
            marker.overwrite(p, pindex);
            return marker;
        }
        return markPosition(markers, p, pindex);
    }

    private static ArraySearchMarker markPosition(List<ArraySearchMarker> markers, Item p, int index) {
        if (markers.size() >= MAX_SEARCH_MARKER) {
            // recycle the oldest marker instead of allocating
            ArraySearchMarker oldest = markers.get(0);
            for (int i = 1, n = markers.size(); i < n; i++) {
                ArraySearchMarker m = markers.get(i);
                if (!(oldest.timestamp < m.timestamp)) {
                    oldest = m;
                }
            }
            oldest.overwrite(p, index);
            return oldest;
        }
        ArraySearchMarker pm = new ArraySearchMarker(p, index);
        markers.add(pm);
        return pm;
    }

    /**
     * Shifts markers after a change. Call before a deletion.
     *
     * @param len positive for an insertion, negative for a deletion
     */
    public static void updateMarkerChanges(List<ArraySearchMarker> searchMarker, int index, int len) {
        for (int i = searchMarker.size() - 1; i >= 0; i--) {
            ArraySearchMarker m = searchMarker.get(i);
            if (len > 0) {
                Item p = m.p;
                p.marker(false);
                // move the marker to the previous visible countable item so a position comparison works
                while (p != null && (p.deleted() || !p.countable())) {
                    p = p.left;
                    if (p != null && !p.deleted() && p.countable()) {
                        m.index -= p.length;
                    }
                }
                if (p == null || p.marker()) {
                    searchMarker.remove(i);
                    continue;
                }
                m.p = p;
                p.marker(true);
            }
            if (index < m.index || (len > 0 && index == m.index)) {
                m.index = Math.max(index, m.index + len);
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // List functions

    /** All list children (including deleted ones). */
    public static List<Item> getTypeChildren(AbstractType t) {
        List<Item> arr = new ArrayList<>();
        for (Item s = t._start; s != null; s = s.right) {
            arr.add(s);
        }
        return arr;
    }

    /**
     * Registers the event on the type and all its ancestors (for deep observers) and calls the
     * type's shallow observers.
     */
    public static void callTypeObservers(AbstractType type, Transaction transaction, YEvent event) {
        AbstractType changedType = type;
        Map<AbstractType, List<YEvent>> changedParentTypes = transaction.changedParentTypes;
        while (true) {
            changedParentTypes.computeIfAbsent(type, k -> new ArrayList<>()).add(event);
            if (type._item == null) {
                break;
            }
            type = (AbstractType) type._item.parent;
        }
        List<BiConsumer<YEvent, Transaction>> handlers = changedType._eH;
        if (handlers != null && !handlers.isEmpty()) {
            for (BiConsumer<YEvent, Transaction> f : new ArrayList<>(handlers)) {
                f.accept(event, transaction);
            }
        }
    }

    public static List<Object> typeListSlice(AbstractType type, int start, int end) {
        if (start < 0) {
            start = type._length + start;
        }
        if (end < 0) {
            end = type._length + end;
        }
        int len = end - start;
        List<Object> cs = new ArrayList<>();
        for (Item n = type._start; n != null && len > 0; n = n.right) {
            if (n.countable() && !n.deleted()) {
                int clen = n.length;
                if (clen <= start) {
                    start -= clen;
                } else {
                    for (int i = start; i < clen && len > 0; i++) {
                        cs.add(contentAt(n, i));
                        len--;
                    }
                    start = 0;
                }
            }
        }
        return cs;
    }

    public static List<Object> typeListToArray(AbstractType type) {
        List<Object> cs = new ArrayList<>();
        for (Item n = type._start; n != null; n = n.right) {
            if (n.countable() && !n.deleted()) {
                cs.addAll(n.content.getContent());
            }
        }
        return cs;
    }

    /** Calls f(value, index) on every visible element. */
    public static void typeListForEach(AbstractType type, ListVisitor f) {
        int index = 0;
        for (Item n = type._start; n != null; n = n.right) {
            if (n.countable() && !n.deleted()) {
                for (Object c : n.content.getContent()) {
                    f.visit(c, index++);
                }
            }
        }
    }

    /** Element visitor for typeListForEach. */
    @FunctionalInterface
    public interface ListVisitor {
        void visit(Object value, int index);
    }

    /** Element at index, or Undefined.INSTANCE when out of range (Yjs returns undefined). */
    public static Object typeListGet(AbstractType type, int index) {
        if (index < 0) {
            return Undefined.INSTANCE;
        }
        ArraySearchMarker marker = findMarker(type, index);
        Item n = type._start;
        if (marker != null) {
            n = marker.p;
            index -= marker.index;
        }
        for (; n != null; n = n.right) {
            if (!n.deleted() && n.countable()) {
                if (index < n.length) {
                    return contentAt(n, index);
                }
                index -= n.length;
            }
        }
        return Undefined.INSTANCE;
    }

    /** The index-th element of an item's content. */
    static Object contentAt(Item n, int index) {
        return n.content.getContent().get(index);
    }

    private static Item newItem(
            Transaction transaction,
            Item left,
            Item right,
            AbstractType parent,
            String parentSub,
            AbstractContent content) {
        Doc doc = transaction.doc;
        long client = doc.clientID();
        ID id = new ID(client, doc.store.getState(client));
        return new Item(
                id,
                left,
                left == null ? null : left.lastId(),
                right,
                right == null ? null : right.id,
                parent,
                parentSub,
                content);
    }

    /** Creates, integrates and returns a new list item between left and right. */
    static Item insertItem(
            Transaction transaction, AbstractType parent, Item left, Item right, AbstractContent content) {
        Item item = newItem(transaction, left, right, parent, null, content);
        item.integrate(transaction, 0);
        return item;
    }

    public static void typeListInsertGenericsAfter(
            Transaction transaction, AbstractType parent, Item referenceItem, List<?> content) {
        Item left = referenceItem;
        Item right = referenceItem == null ? parent._start : referenceItem.right;
        List<Object> jsonContent = new ArrayList<>();
        for (Object c : content) {
            if (isJsonValue(c)) {
                jsonContent.add(c);
                continue;
            }
            if (!jsonContent.isEmpty()) {
                left = insertItem(transaction, parent, left, right, new ContentAny(jsonContent));
                jsonContent = new ArrayList<>();
            }
            if (c instanceof byte[] b) {
                left = insertItem(transaction, parent, left, right, new ContentBinary(b.clone()));
            } else if (c instanceof Doc d) {
                left = insertItem(transaction, parent, left, right, new ContentDoc(d));
            } else if (c instanceof AbstractType t) {
                left = insertItem(transaction, parent, left, right, new ContentType(t));
            } else {
                throw new IllegalArgumentException("Unexpected content type in insert operation: "
                        + (c == null ? "null" : c.getClass().getName()));
            }
        }
        if (!jsonContent.isEmpty()) {
            insertItem(transaction, parent, left, right, new ContentAny(jsonContent));
        }
    }

    /** Values stored as ContentAny (JS Number/Object/Boolean/Array/String/null). */
    static boolean isJsonValue(Object c) {
        return c == null
                || c instanceof Number
                || c instanceof Boolean
                || c instanceof String
                || c instanceof Map
                || c instanceof List;
    }

    /** Validates list input before a transaction starts so a bad value changes nothing. */
    static void checkListContent(List<?> content) {
        for (Object c : content) {
            if (isJsonValue(c)) {
                AnyCheck.checkAny(c);
            } else if (!(c instanceof byte[] || c instanceof Doc || c instanceof AbstractType)) {
                throw new IllegalArgumentException("Unexpected content type in insert operation: "
                        + (c == null ? "null" : c.getClass().getName()));
            }
        }
    }

    private static IndexOutOfBoundsException lengthExceeded() {
        return new IndexOutOfBoundsException("Length exceeded!");
    }

    public static void typeListInsertGenerics(
            Transaction transaction, AbstractType parent, int index, List<?> content) {
        if (index > parent._length || index < 0) {
            throw lengthExceeded();
        }
        if (index == 0) {
            if (parent._searchMarker != null) {
                updateMarkerChanges(parent._searchMarker, index, content.size());
            }
            typeListInsertGenericsAfter(transaction, parent, null, content);
            return;
        }
        int startIndex = index;
        ArraySearchMarker marker = findMarker(parent, index);
        Item n = parent._start;
        if (marker != null) {
            n = marker.p;
            index -= marker.index;
            // step one to the left so the loop below can decrease index
            if (index == 0) {
                n = n.prev();
                index += (n != null && n.countable() && !n.deleted()) ? n.length : 0;
            }
        }
        for (; n != null; n = n.right) {
            if (!n.deleted() && n.countable()) {
                if (index <= n.length) {
                    if (index < n.length) {
                        // insert in-between
                        StructStore.getItemCleanStart(transaction, new ID(n.id.client(), n.id.clock() + index));
                    }
                    break;
                }
                index -= n.length;
            }
        }
        if (parent._searchMarker != null) {
            updateMarkerChanges(parent._searchMarker, startIndex, content.size());
        }
        typeListInsertGenericsAfter(transaction, parent, n, content);
    }

    /** Appends after the last item; starts from the right-most marker to skip most of the list. */
    public static void typeListPushGenerics(Transaction transaction, AbstractType parent, List<?> content) {
        Item n = parent._start;
        int maxIndex = 0;
        if (parent._searchMarker != null) {
            for (ArraySearchMarker m : parent._searchMarker) {
                if (m.index > maxIndex) {
                    maxIndex = m.index;
                    n = m.p;
                }
            }
        }
        if (n != null) {
            while (n.right != null) {
                n = n.right;
            }
        }
        typeListInsertGenericsAfter(transaction, parent, n, content);
    }

    public static void typeListDelete(Transaction transaction, AbstractType parent, int index, int length) {
        if (length == 0) {
            return;
        }
        if (index < 0 || length < 0 || (long) index + length > parent._length) {
            throw lengthExceeded();
        }
        int startIndex = index;
        int startLength = length;
        ArraySearchMarker marker = findMarker(parent, index);
        Item n = parent._start;
        if (marker != null) {
            n = marker.p;
            index -= marker.index;
        }
        // compute the first item to be deleted
        for (; n != null && index > 0; n = n.right) {
            if (!n.deleted() && n.countable()) {
                if (index < n.length) {
                    StructStore.getItemCleanStart(transaction, new ID(n.id.client(), n.id.clock() + index));
                }
                index -= n.length;
            }
        }
        // delete all items until done
        while (length > 0 && n != null) {
            if (!n.deleted()) {
                if (length < n.length) {
                    StructStore.getItemCleanStart(transaction, new ID(n.id.client(), n.id.clock() + length));
                }
                n.delete(transaction);
                length -= n.length;
            }
            n = n.right;
        }
        if (length > 0) {
            throw lengthExceeded();
        }
        if (parent._searchMarker != null) {
            updateMarkerChanges(parent._searchMarker, startIndex, -startLength + length);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Map functions

    public static void typeMapDelete(Transaction transaction, AbstractType parent, String key) {
        Item c = parent._map.get(key);
        if (c != null) {
            c.delete(transaction);
        }
    }

    /** Content for a map value (typeMapSet's dispatch); throws on unsupported values. */
    static AbstractContent mapValueContent(Object value) {
        if (value == null || value instanceof Undefined || isJsonValue(value)) {
            AnyCheck.checkAny(value);
            List<Object> l = new ArrayList<>(1);
            l.add(value);
            return new ContentAny(l);
        }
        if (value instanceof byte[] b) {
            return new ContentBinary(b);
        }
        if (value instanceof Doc d) {
            return new ContentDoc(d);
        }
        if (value instanceof AbstractType t) {
            return new ContentType(t);
        }
        throw new IllegalArgumentException(
                "Unexpected content type: " + value.getClass().getName());
    }

    public static void typeMapSet(Transaction transaction, AbstractType parent, String key, Object value) {
        AbstractContent content = mapValueContent(value);
        Item left = parent._map.get(key);
        newItem(transaction, left, null, parent, key, content).integrate(transaction, 0);
    }

    /** Value under key, or Undefined.INSTANCE if absent/deleted. */
    public static Object typeMapGet(AbstractType parent, String key) {
        Item val = parent._map.get(key);
        return val != null && !val.deleted() ? lastContent(val) : Undefined.INSTANCE;
    }

    static Object lastContent(Item item) {
        List<Object> c = item.content.getContent();
        return c.get(c.size() - 1);
    }

    /** All visible key/values (insertion ordered). */
    public static Map<String, Object> typeMapGetAll(AbstractType parent) {
        Map<String, Object> res = new LinkedHashMap<>();
        parent._map.forEach((key, value) -> {
            if (!value.deleted()) {
                res.put(key, lastContent(value));
            }
        });
        return res;
    }

    public static boolean typeMapHas(AbstractType parent, String key) {
        Item val = parent._map.get(key);
        return val != null && !val.deleted();
    }

    /**
     * Orders keys the way a JS object does: canonical array-index keys ascending first, then the
     * rest in insertion order. Used for every object we hand out as JSON.
     */
    public static <V> Map<String, V> jsObjectOrder(Map<String, V> m) {
        boolean hasIndexKey = false;
        for (String k : m.keySet()) {
            if (isArrayIndex(k)) {
                hasIndexKey = true;
                break;
            }
        }
        if (!hasIndexKey) {
            return m;
        }
        List<String> idx = new ArrayList<>();
        for (String k : m.keySet()) {
            if (isArrayIndex(k)) {
                idx.add(k);
            }
        }
        idx.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        Map<String, V> res = new LinkedHashMap<>();
        for (String k : idx) {
            res.put(k, m.get(k));
        }
        for (Map.Entry<String, V> e : m.entrySet()) {
            if (!isArrayIndex(e.getKey())) {
                res.put(e.getKey(), e.getValue());
            }
        }
        return res;
    }

    /** True for "0", "1", ... up to 2^32-2 without leading zeros (JS array index keys). */
    static boolean isArrayIndex(String k) {
        int n = k.length();
        if (n == 0 || n > 10) {
            return false;
        }
        if (n > 1 && k.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = k.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return Long.parseLong(k) < 4294967295L;
    }

    /** toJSON of a stored value: nested types convert, everything else stays as is. */
    static Object valueToJSON(Object v) {
        if (v instanceof AbstractType t) {
            return t.toJSON();
        }
        // JSON.stringify calls Doc.toJSON() on a subdocument; converting here gives the same JSON
        return v instanceof Doc d ? d.toJSON() : v;
    }
}
