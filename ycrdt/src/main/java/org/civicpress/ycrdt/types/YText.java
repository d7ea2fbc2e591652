package org.civicpress.ycrdt.types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.structs.AbstractContent;
import org.civicpress.ycrdt.structs.AbstractStruct;
import org.civicpress.ycrdt.structs.ContentEmbed;
import org.civicpress.ycrdt.structs.ContentFormat;
import org.civicpress.ycrdt.structs.ContentString;
import org.civicpress.ycrdt.structs.ContentType;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.utils.DeleteItem;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.ID;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/**
 * Shared rich text (YText.js): string content, embeds and formatting attributes stored as
 * ContentFormat items. Positions count UTF-16 code units like JS.
 */
public class YText extends AbstractType {
    /** Operations requested before the type was integrated into a document. */
    private List<Runnable> _pending = new ArrayList<>();

    public YText() {
        this._searchMarker = new ArrayList<>();
    }

    public YText(String initial) {
        this();
        _pending.add(() -> insert(0, initial));
    }

    public int length() {
        return _length;
    }

    @Override
    public void _integrate(Doc y, Item item) {
        super._integrate(y, item);
        List<Runnable> pending = _pending;
        _pending = null;
        for (Runnable r : pending) {
            r.run();
        }
    }

    @Override
    public AbstractType _copy() {
        return new YText();
    }

    public YText cloneType() {
        YText text = new YText();
        text.applyDelta(toDelta());
        return text;
    }

    @Override
    public void _callObserver(Transaction transaction, Set<String> parentSubs) {
        super._callObserver(transaction, parentSubs);
        YTextEvent event = new YTextEvent(this, transaction, parentSubs);
        callTypeObservers(this, transaction, event);
        // after a remote change, duplicated formatting may need a cleanup
        if (!transaction.local && _hasFormatting) {
            transaction._needFormattingCleanup = true;
        }
    }

    /** The unformatted text. */
    @Override
    public String toString() {
        StringBuilder str = new StringBuilder(_length);
        for (Item n = _start; n != null; n = n.right) {
            if (!n.deleted() && n.countable() && n.content instanceof ContentString cs) {
                str.append(cs.str());
            }
        }
        return str.toString();
    }

    @Override
    public Object toJSON() {
        return toString();
    }

    // ---------------------------------------------------------------------------------------
    // editing API

    public void insert(int index, String text) {
        insert(index, text, null);
    }

    /**
     * Inserts text. With attributes == null the text takes the formatting at the position
     * (like Yjs without the attributes argument).
     */
    public void insert(int index, String text, Map<String, Object> attributes) {
        if (text.isEmpty()) {
            return;
        }
        AnyCheck.checkAttributes(attributes);
        if (doc == null) {
            _pending.add(() -> insert(index, text, attributes));
            return;
        }
        checkIndex(index);
        doc.transact(tr -> {
            ItemTextListPosition pos = findPosition(tr, this, index, attributes == null);
            Map<String, Object> attrs;
            if (attributes == null) {
                attrs = new LinkedHashMap<>(pos.currentAttributes);
            } else {
                attrs = new LinkedHashMap<>(jsObjectOrder(attributes));
            }
            insertText(tr, this, pos, text, attrs);
        });
    }

    /** Inserts an embed (a JSON object or a nested type) of length 1. */
    public void insertEmbed(int index, Object embed, Map<String, Object> attributes) {
        if (embed == null || embed instanceof String) {
            throw new IllegalArgumentException("embed must be an object or a shared type");
        }
        if (!(embed instanceof AbstractType)) {
            AnyCheck.checkAny(embed);
        }
        AnyCheck.checkAttributes(attributes);
        if (doc == null) {
            _pending.add(() -> insertEmbed(index, embed, attributes));
            return;
        }
        checkIndex(index);
        doc.transact(tr -> {
            ItemTextListPosition pos = findPosition(tr, this, index, attributes == null);
            insertText(
                    tr,
                    this,
                    pos,
                    embed,
                    attributes == null ? new LinkedHashMap<>() : new LinkedHashMap<>(jsObjectOrder(attributes)));
        });
    }

    public void insertEmbed(int index, Object embed) {
        insertEmbed(index, embed, null);
    }

    public void delete(int index, int length) {
        if (length == 0) {
            return;
        }
        if (doc == null) {
            _pending.add(() -> delete(index, length));
            return;
        }
        if (index < 0 || length < 0 || (long) index + length > _length) {
            throw new IndexOutOfBoundsException(
                    "delete(" + index + ", " + length + ") out of range, length " + _length);
        }
        doc.transact(tr -> deleteText(tr, findPosition(tr, this, index, true), length));
    }

    /** Assigns attributes to a range (null values remove an attribute). */
    public void format(int index, int length, Map<String, Object> attributes) {
        if (length == 0) {
            return;
        }
        java.util.Objects.requireNonNull(attributes, "attributes");
        AnyCheck.checkAttributes(attributes);
        if (doc == null) {
            _pending.add(() -> format(index, length, attributes));
            return;
        }
        if (index < 0 || length < 0) {
            throw new IndexOutOfBoundsException("format(" + index + ", " + length + ")");
        }
        doc.transact(tr -> {
            ItemTextListPosition pos = findPosition(tr, this, index, false);
            if (pos.right == null) {
                return;
            }
            formatText(tr, this, pos, length, new LinkedHashMap<>(jsObjectOrder(attributes)));
        });
    }

    public void removeAttribute(String attributeName) {
        if (doc == null) {
            _pending.add(() -> removeAttribute(attributeName));
            return;
        }
        doc.transact(tr -> typeMapDelete(tr, this, attributeName));
    }

    public void setAttribute(String attributeName, Object attributeValue) {
        mapValueContent(attributeValue);
        if (doc == null) {
            _pending.add(() -> setAttribute(attributeName, attributeValue));
            return;
        }
        doc.transact(tr -> typeMapSet(tr, this, attributeName, attributeValue));
    }

    public Object getAttribute(String attributeName) {
        return typeMapGet(this, attributeName);
    }

    public Map<String, Object> getAttributes() {
        return typeMapGetAll(this);
    }

    /**
     * Applies a Quill delta: ops are maps with "insert" (String, embed object or type),
     * "retain" or "delete" (numbers) and optional "attributes".
     */
    public void applyDelta(List<Map<String, Object>> delta) {
        applyDelta(delta, true);
    }

    @SuppressWarnings("unchecked")
    public void applyDelta(List<Map<String, Object>> delta, boolean sanitize) {
        checkDelta(delta);
        if (doc == null) {
            _pending.add(() -> applyDelta(delta, sanitize));
            return;
        }
        doc.transact(tr -> {
            ItemTextListPosition currPos = new ItemTextListPosition(null, _start, 0, new LinkedHashMap<>());
            for (int i = 0; i < delta.size(); i++) {
                Map<String, Object> op = delta.get(i);
                Object attrsObj = op.get("attributes");
                Map<String, Object> attrs = attrsObj instanceof Map
                        ? new LinkedHashMap<>(jsObjectOrder((Map<String, Object>) attrsObj))
                        : new LinkedHashMap<>();
                if (op.containsKey("insert") && !(op.get("insert") instanceof Undefined)) {
                    Object ins = op.get("insert");
                    // Quill keeps a trailing newline that Y.Text does not have
                    if (!sanitize
                            && ins instanceof String s
                            && i == delta.size() - 1
                            && currPos.right == null
                            && s.endsWith("\n")) {
                        ins = s.substring(0, s.length() - 1);
                    }
                    if (!(ins instanceof String s2) || !s2.isEmpty()) {
                        insertText(tr, this, currPos, ins, attrs);
                    }
                } else if (op.get("retain") instanceof Number n) {
                    formatText(tr, this, currPos, n.intValue(), attrs);
                } else if (op.get("delete") instanceof Number n) {
                    deleteText(tr, currPos, n.intValue());
                }
            }
        });
    }

    /** Rejects malformed delta ops before anything is applied. */
    private static void checkDelta(List<Map<String, Object>> delta) {
        for (Map<String, Object> op : delta) {
            Object attrs = op.get("attributes");
            if (attrs != null && !(attrs instanceof Map)) {
                throw new IllegalArgumentException("delta attributes must be an object: " + op);
            }
            AnyCheck.checkAny(attrs);
            if (op.containsKey("insert") && !(op.get("insert") instanceof Undefined)) {
                Object ins = op.get("insert");
                if (ins == null) {
                    throw new IllegalArgumentException("delta insert must not be null");
                }
                if (!(ins instanceof AbstractType)) {
                    AnyCheck.checkAny(ins);
                }
            } else if (op.get("retain") instanceof Number n) {
                if (n.doubleValue() < 0) {
                    throw new IllegalArgumentException("negative retain: " + op);
                }
            } else if (op.get("delete") instanceof Number n) {
                if (n.doubleValue() < 0) {
                    throw new IllegalArgumentException("negative delete: " + op);
                }
            }
        }
    }

    /**
     * The Quill delta of the current content: a list of {insert, attributes?} maps. Inserts of
     * embeds/types carry the embed object / the type itself.
     */
    public List<Map<String, Object>> toDelta() {
        List<Map<String, Object>> ops = new ArrayList<>();
        Map<String, Object> currentAttributes = new LinkedHashMap<>();
        StringBuilder str = new StringBuilder();
        for (Item n = _start; n != null; n = n.right) {
            if (n.deleted()) {
                continue;
            }
            AbstractContent content = n.content;
            if (content instanceof ContentString cs) {
                str.append(cs.str());
            } else if (content instanceof ContentType || content instanceof ContentEmbed) {
                packStr(ops, str, currentAttributes);
                Map<String, Object> op = new LinkedHashMap<>();
                op.put("insert", contentAt(n, 0));
                if (!currentAttributes.isEmpty()) {
                    op.put("attributes", jsObjectOrder(new LinkedHashMap<>(currentAttributes)));
                }
                ops.add(op);
            } else if (content instanceof ContentFormat cf) {
                packStr(ops, str, currentAttributes);
                TextAttributes.updateCurrentAttributes(currentAttributes, cf);
            }
        }
        packStr(ops, str, currentAttributes);
        return ops;
    }

    private static void packStr(
            List<Map<String, Object>> ops, StringBuilder str, Map<String, Object> currentAttributes) {
        if (str.length() > 0) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("insert", str.toString());
            if (!currentAttributes.isEmpty()) {
                op.put("attributes", jsObjectOrder(new LinkedHashMap<>(currentAttributes)));
            }
            ops.add(op);
            str.setLength(0);
        }
    }

    @Override
    public void _write(UpdateEncoder encoder) {
        encoder.writeTypeRef(TypeRefs.YTextRefID);
    }

    public static YText readYText(UpdateDecoder decoder) {
        return new YText();
    }

    private void checkIndex(int index) {
        if (index < 0 || index > _length) {
            throw new IndexOutOfBoundsException("index " + index + " out of range, length " + _length);
        }
    }

    // ---------------------------------------------------------------------------------------
    // algorithms (module functions in YText.js)

    static ItemTextListPosition findNextPosition(Transaction transaction, ItemTextListPosition pos, int count) {
        while (pos.right != null && count > 0) {
            Item right = pos.right;
            if (right.content instanceof ContentFormat cf) {
                if (!right.deleted()) {
                    TextAttributes.updateCurrentAttributes(pos.currentAttributes, cf);
                }
            } else if (!right.deleted()) {
                if (count < right.length) {
                    // split right
                    StructStore.getItemCleanStart(transaction, new ID(right.id.client(), right.id.clock() + count));
                }
                pos.index += right.length;
                count -= right.length;
            }
            pos.left = right;
            pos.right = right.right;
        }
        return pos;
    }

    static ItemTextListPosition findPosition(
            Transaction transaction, AbstractType parent, int index, boolean useSearchMarker) {
        Map<String, Object> currentAttributes = new LinkedHashMap<>();
        ArraySearchMarker marker = useSearchMarker ? findMarker(parent, index) : null;
        if (marker != null) {
            ItemTextListPosition pos =
                    new ItemTextListPosition(marker.p.left, marker.p, marker.index, currentAttributes);
            return findNextPosition(transaction, pos, index - marker.index);
        }
        ItemTextListPosition pos = new ItemTextListPosition(null, parent._start, 0, currentAttributes);
        return findNextPosition(transaction, pos, index);
    }

    /** Inserts format items that end the attributes started before the inserted content. */
    static void insertNegatedAttributes(
            Transaction transaction,
            AbstractType parent,
            ItemTextListPosition currPos,
            Map<String, Object> negatedAttributes) {
        // check whether we really need to remove attributes
        while (currPos.right != null
                && (currPos.right.deleted()
                        || (currPos.right.content instanceof ContentFormat cf
                                && TextAttributes.equalAttrs(
                                        TextAttributes.getOrUndefined(negatedAttributes, cf.key), cf.value)))) {
            if (!currPos.right.deleted()) {
                negatedAttributes.remove(((ContentFormat) currPos.right.content).key);
            }
            currPos.forward();
        }
        for (Map.Entry<String, Object> e : negatedAttributes.entrySet()) {
            Item nextFormat = insertItem(
                    transaction, parent, currPos.left, currPos.right, new ContentFormat(e.getKey(), e.getValue()));
            currPos.right = nextFormat;
            currPos.forward();
        }
    }

    /** Moves right while the next items already carry the wanted attributes (or are deleted). */
    static void minimizeAttributeChanges(ItemTextListPosition currPos, Map<String, Object> attributes) {
        while (currPos.right != null) {
            Item right = currPos.right;
            if (right.deleted()
                    || (right.content instanceof ContentFormat cf
                            && TextAttributes.equalAttrs(TextAttributes.getOrNull(attributes, cf.key), cf.value))) {
                currPos.forward();
            } else {
                break;
            }
        }
    }

    /** Inserts format-start items; returns the attributes to restore afterwards. */
    static Map<String, Object> insertAttributes(
            Transaction transaction,
            AbstractType parent,
            ItemTextListPosition currPos,
            Map<String, Object> attributes) {
        Map<String, Object> negatedAttributes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            String key = e.getKey();
            Object val = e.getValue();
            Object currentVal = TextAttributes.getOrNull(currPos.currentAttributes, key);
            if (!TextAttributes.equalAttrs(currentVal, val)) {
                negatedAttributes.put(key, currentVal);
                currPos.right =
                        insertItem(transaction, parent, currPos.left, currPos.right, new ContentFormat(key, val));
                currPos.forward();
            }
        }
        return negatedAttributes;
    }

    static void insertText(
            Transaction transaction,
            AbstractType parent,
            ItemTextListPosition currPos,
            Object text,
            Map<String, Object> attributes) {
        for (String key : currPos.currentAttributes.keySet()) {
            if (!attributes.containsKey(key) || attributes.get(key) instanceof Undefined) {
                attributes.put(key, null);
            }
        }
        minimizeAttributeChanges(currPos, attributes);
        Map<String, Object> negatedAttributes = insertAttributes(transaction, parent, currPos, attributes);
        AbstractContent content;
        if (text instanceof String s) {
            content = new ContentString(s);
        } else if (text instanceof AbstractType t) {
            content = new ContentType(t);
        } else {
            content = new ContentEmbed(text);
        }
        int index = currPos.index;
        if (parent._searchMarker != null) {
            updateMarkerChanges(parent._searchMarker, currPos.index, content.getLength());
        }
        Item right = insertItem(transaction, parent, currPos.left, currPos.right, content);
        currPos.right = right;
        currPos.index = index;
        currPos.forward();
        insertNegatedAttributes(transaction, parent, currPos, negatedAttributes);
    }

    static void formatText(
            Transaction transaction,
            AbstractType parent,
            ItemTextListPosition currPos,
            int length,
            Map<String, Object> attributes) {
        minimizeAttributeChanges(currPos, attributes);
        Map<String, Object> negatedAttributes = insertAttributes(transaction, parent, currPos, attributes);
        // iterate until the first non-format or null; delete formats that the new attributes override,
        // and also look past the range so we don't insert redundant negated attributes there
        iterationLoop:
        while (currPos.right != null
                && (length > 0
                        || (!negatedAttributes.isEmpty()
                                && (currPos.right.deleted() || currPos.right.content instanceof ContentFormat)))) {
            Item right = currPos.right;
            if (!right.deleted()) {
                if (right.content instanceof ContentFormat cf) {
                    String key = cf.key;
                    Object value = cf.value;
                    if (attributes.containsKey(key) && !(attributes.get(key) instanceof Undefined)) {
                        Object attr = attributes.get(key);
                        if (TextAttributes.equalAttrs(attr, value)) {
                            negatedAttributes.remove(key);
                        } else {
                            if (length == 0) {
                                break iterationLoop;
                            }
                            negatedAttributes.put(key, value);
                        }
                        right.delete(transaction);
                    } else {
                        currPos.currentAttributes.put(key, value);
                    }
                } else {
                    if (length < right.length) {
                        StructStore.getItemCleanStart(
                                transaction, new ID(right.id.client(), right.id.clock() + length));
                    }
                    length -= right.length;
                }
            }
            currPos.forward();
        }
        // Quill assumes the text ends with a newline; formatting past the end inserts them
        if (length > 0) {
            String newlines = "\n".repeat(length);
            currPos.right = insertItem(transaction, parent, currPos.left, currPos.right, new ContentString(newlines));
            currPos.forward();
        }
        insertNegatedAttributes(transaction, parent, currPos, negatedAttributes);
    }

    /**
     * After deleting content, removes format items in the gap that became redundant.
     *
     * @param curr exclusive end
     * @return number of format items deleted
     */
    static int cleanupFormattingGap(
            Transaction transaction,
            Item start,
            Item curr,
            Map<String, Object> startAttributes,
            Map<String, Object> currAttributes) {
        Item end = start;
        Map<String, ContentFormat> endFormats = new HashMap<>();
        while (end != null && (!end.countable() || end.deleted())) {
            if (!end.deleted() && end.content instanceof ContentFormat cf) {
                endFormats.put(cf.key, cf);
            }
            end = end.right;
        }
        int cleanups = 0;
        boolean reachedCurr = false;
        while (start != end) {
            if (curr == start) {
                reachedCurr = true;
            }
            if (!start.deleted() && start.content instanceof ContentFormat cf) {
                String key = cf.key;
                Object value = cf.value;
                Object startAttrValue = TextAttributes.getOrNull(startAttributes, key);
                if (endFormats.get(key) != cf || TextAttributes.strictEquals(startAttrValue, value)) {
                    // either overwritten or not needed because the attribute already applied
                    start.delete(transaction);
                    cleanups++;
                    if (!reachedCurr
                            && TextAttributes.strictEquals(TextAttributes.getOrNull(currAttributes, key), value)
                            && !TextAttributes.strictEquals(startAttrValue, value)) {
                        if (startAttrValue == null) {
                            currAttributes.remove(key);
                        } else {
                            currAttributes.put(key, startAttrValue);
                        }
                    }
                }
                if (!reachedCurr && !start.deleted()) {
                    TextAttributes.updateCurrentAttributes(currAttributes, cf);
                }
            }
            start = start.right;
        }
        return cleanups;
    }

    static void cleanupContextlessFormattingGap(Transaction transaction, Item item) {
        // iterate until item.right is null or content
        while (item != null && item.right != null && (item.right.deleted() || !item.right.countable())) {
            item = item.right;
        }
        Set<String> attrs = new HashSet<>();
        // iterate back until a content item is found
        while (item != null && (item.deleted() || !item.countable())) {
            if (!item.deleted() && item.content instanceof ContentFormat cf) {
                if (attrs.contains(cf.key)) {
                    item.delete(transaction);
                } else {
                    attrs.add(cf.key);
                }
            }
            item = item.left;
        }
    }

    /**
     * Removes all redundant formatting items of a text (two passes over the text).
     *
     * @return how many format items were removed
     */
    public static int cleanupYTextFormatting(AbstractType type) {
        int[] res = {0};
        type.doc.transact(transaction -> {
            Item start = type._start;
            Item end = type._start;
            Map<String, Object> startAttributes = new LinkedHashMap<>();
            Map<String, Object> currentAttributes = new LinkedHashMap<>(startAttributes);
            while (end != null) {
                if (!end.deleted()) {
                    if (end.content instanceof ContentFormat cf) {
                        TextAttributes.updateCurrentAttributes(currentAttributes, cf);
                    } else {
                        res[0] += cleanupFormattingGap(transaction, start, end, startAttributes, currentAttributes);
                        startAttributes = new LinkedHashMap<>(currentAttributes);
                        start = end;
                    }
                }
                end = end.right;
            }
        });
        return res[0];
    }

    /**
     * Called by the transaction after observers ran when a remote change touched formatted text:
     * removes formatting items made redundant by concurrent edits (in a new transaction).
     */
    public static void cleanupYTextAfterTransaction(Transaction transaction) {
        Set<AbstractType> needFullCleanup = new LinkedHashSet<>();
        Doc doc = transaction.doc;
        // check whether another formatting item was inserted
        for (Map.Entry<Long, Long> e : transaction.afterState.entrySet()) {
            long client = e.getKey();
            long afterClock = e.getValue();
            long clock = transaction.beforeStateOf(client);
            if (afterClock == clock) {
                continue;
            }
            StructStore.iterateStructs(
                    transaction, doc.store.clients.get(client), clock, afterClock - clock, struct -> {
                        if (struct instanceof Item item && !item.deleted() && item.content instanceof ContentFormat) {
                            needFullCleanup.add((AbstractType) item.parent);
                        }
                    });
        }
        doc.transact(t -> {
            for (Map.Entry<Long, List<DeleteItem>> e : transaction.deleteSet.clients.entrySet()) {
                List<AbstractStruct> structs = doc.store.clients.get(e.getKey());
                if (structs == null || structs.isEmpty()) {
                    continue;
                }
                AbstractStruct lastStruct = structs.get(structs.size() - 1);
                long clockState = lastStruct.id.clock() + lastStruct.length;
                for (DeleteItem del : e.getValue()) {
                    if (del.clock() >= clockState) {
                        break;
                    }
                    StructStore.iterateStructs(transaction, structs, del.clock(), del.len(), struct -> {
                        if (!(struct instanceof Item item)) {
                            return;
                        }
                        AbstractType parent = item.parent instanceof AbstractType p ? p : null;
                        if (parent == null || !parent._hasFormatting || needFullCleanup.contains(parent)) {
                            return;
                        }
                        if (item.content instanceof ContentFormat) {
                            needFullCleanup.add(parent);
                        } else {
                            // no formatting item inserted or deleted here: a contextless cleanup is enough
                            cleanupContextlessFormattingGap(t, item);
                        }
                    });
                }
            }
            // a formatting item was inserted: clean the whole type
            // Yjs cleans any parent here, also an untyped top-level type (not yet re-typed by getText)
            for (AbstractType yText : needFullCleanup) {
                cleanupYTextFormatting(yText);
            }
        });
    }

    static ItemTextListPosition deleteText(Transaction transaction, ItemTextListPosition currPos, int length) {
        int startLength = length;
        Map<String, Object> startAttrs = new LinkedHashMap<>(currPos.currentAttributes);
        Item start = currPos.right;
        while (length > 0 && currPos.right != null) {
            Item right = currPos.right;
            if (!right.deleted()) {
                AbstractContent c = right.content;
                if (c instanceof ContentType || c instanceof ContentEmbed || c instanceof ContentString) {
                    if (length < right.length) {
                        StructStore.getItemCleanStart(
                                transaction, new ID(right.id.client(), right.id.clock() + length));
                    }
                    length -= right.length;
                    right.delete(transaction);
                }
            }
            currPos.forward();
        }
        if (start != null) {
            cleanupFormattingGap(transaction, start, currPos.right, startAttrs, currPos.currentAttributes);
        }
        Item ref = currPos.left != null ? currPos.left : currPos.right;
        if (ref != null) {
            AbstractType parent = (AbstractType) ref.parent;
            if (parent._searchMarker != null) {
                updateMarkerChanges(parent._searchMarker, currPos.index, -startLength + length);
            }
        }
        return currPos;
    }
}
