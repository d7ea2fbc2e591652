package org.civicpress.ycrdt.structs;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.types.ArraySearchMarker;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.ID;
import org.civicpress.ycrdt.utils.StructStore;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/**
 * An insertion of content into a list (parentSub == null) or a map entry (parentSub = key),
 * positioned by YATA using its origin/rightOrigin (Item.js). This is the hot object: hundreds of
 * thousands may be alive, so flags live in one byte and there are no boxed fields.
 */
public final class Item extends AbstractStruct {
    private static final byte KEEP = 1;
    private static final byte COUNTABLE = 2;
    private static final byte DELETED = 4;
    private static final byte MARKER = 8;

    /** The item that was originally to the left of this item. */
    public ID origin;
    /** The item that is currently to the left of this item. */
    public Item left;
    /** The item that is currently to the right of this item. */
    public Item right;
    /** The item that was originally to the right of this item. */
    public ID rightOrigin;
    /**
     * AbstractType once integrated. Before integration: an ID (parent item), a String (top-level
     * type name, only in updates that went through diff/merge) or null (copy from left/right).
     */
    public Object parent;
    /** Map key, or null for list items. */
    public String parentSub;

    public AbstractContent content;
    private byte info;

    public Item(
            ID id,
            Item left,
            ID origin,
            Item right,
            ID rightOrigin,
            Object parent,
            String parentSub,
            AbstractContent content) {
        super(id, content.getLength());
        this.origin = origin;
        this.left = left;
        this.right = right;
        this.rightOrigin = rightOrigin;
        this.parent = parent;
        this.parentSub = parentSub;
        this.content = content;
        this.info = content.isCountable() ? COUNTABLE : 0;
    }

    // ---- flags

    public boolean marker() {
        return (info & MARKER) != 0;
    }

    public void marker(boolean isMarked) {
        info = (byte) (isMarked ? info | MARKER : info & ~MARKER);
    }

    /** If true, do not garbage collect this item. */
    public boolean keep() {
        return (info & KEEP) != 0;
    }

    public void keep(boolean doKeep) {
        info = (byte) (doKeep ? info | KEEP : info & ~KEEP);
    }

    public boolean countable() {
        return (info & COUNTABLE) != 0;
    }

    @Override
    public boolean deleted() {
        return (info & DELETED) != 0;
    }

    public void deleted(boolean doDelete) {
        info = (byte) (doDelete ? info | DELETED : info & ~DELETED);
    }

    public void markDeleted() {
        info |= DELETED;
    }

    /** The parent type (only valid once integrated). */
    public AbstractType parentType() {
        return (AbstractType) parent;
    }

    /** The next non-deleted item. */
    public Item next() {
        Item n = right;
        while (n != null && n.deleted()) {
            n = n.right;
        }
        return n;
    }

    /** The previous non-deleted item. */
    public Item prev() {
        Item n = left;
        while (n != null && n.deleted()) {
            n = n.left;
        }
        return n;
    }

    /** ID of the last clock of this item. */
    public ID lastId() {
        return length == 1 ? id : new ID(id.client(), id.clock() + length - 1);
    }

    // ---- integration

    /** Client of the first missing dependency, or -1 after resolving left/right/parent from the store. */
    @Override
    public long getMissing(Transaction transaction, StructStore store) {
        long client = id.client();
        if (origin != null && origin.client() != client && origin.clock() >= store.getState(origin.client())) {
            return origin.client();
        }
        if (rightOrigin != null
                && rightOrigin.client() != client
                && rightOrigin.clock() >= store.getState(rightOrigin.client())) {
            return rightOrigin.client();
        }
        if (parent instanceof ID p && client != p.client() && p.clock() >= store.getState(p.client())) {
            return p.client();
        }
        // all dependencies are present: find the items. A GC neighbour means this item must become a GC too
        // (Yjs keeps the GC in left/right; we keep left/right typed as Item and remember it here).
        boolean gcNeighbour = false;
        if (origin != null) {
            AbstractStruct l = StructStore.getItemCleanEnd(transaction, store, origin);
            if (l instanceof Item li) {
                left = li;
                origin = li.lastId();
            } else {
                gcNeighbour = true;
            }
        }
        if (rightOrigin != null) {
            AbstractStruct r = StructStore.getItemCleanStart(transaction, rightOrigin);
            if (r instanceof Item ri) {
                right = ri;
                rightOrigin = ri.id;
            } else {
                gcNeighbour = true;
            }
        }
        if (gcNeighbour) {
            parent = null;
        } else if (parent == null) {
            // only set parent if this shouldn't be garbage collected
            if (left != null) {
                parent = left.parent;
                parentSub = left.parentSub;
            } else if (right != null) {
                parent = right.parent;
                parentSub = right.parentSub;
            }
        } else if (parent instanceof ID p) {
            AbstractStruct parentItem = StructStore.find(store, p);
            // a GC'd parent, or (as in Yjs: content.type is undefined) a parent item that holds no type
            parent = parentItem instanceof Item pi && pi.content instanceof ContentType ct ? ct.type : null;
        }
        return -1;
    }

    @Override
    public void integrate(Transaction transaction, int offset) {
        if (offset > 0) {
            id = new ID(id.client(), id.clock() + offset);
            AbstractStruct l = StructStore.getItemCleanEnd(
                    transaction, transaction.doc.store, new ID(id.client(), id.clock() - 1));
            if (l instanceof Item li) {
                left = li;
                origin = li.lastId();
            } else {
                // our copy of the overlapping part was garbage collected: the rest can only be a GC too
                left = null;
                parent = null;
            }
            content = content.splice(offset);
            length -= offset;
        }

        if (parent instanceof AbstractType parentType) {
            integrateIntoParent(transaction, parentType);
        } else {
            // parent is not defined: integrate a GC struct instead
            new GC(id, length).integrate(transaction, 0);
        }
    }

    private void integrateIntoParent(Transaction transaction, AbstractType parentType) {
        if ((left == null && (right == null || right.left != null)) || (left != null && left.right != right)) {
            Item newLeft = left;
            Item o;
            // set o to the first conflicting item
            if (newLeft != null) {
                o = newLeft.right;
            } else if (parentSub != null) {
                o = parentType._map.get(parentSub);
                while (o != null && o.left != null) {
                    o = o.left;
                }
            } else {
                o = parentType._start;
            }
            StructStore store = transaction.doc.store;
            // Let c in conflictingItems, b in itemsBeforeOrigin
            // ***{origin}bbbb{this}{c,b}{c,b}{o}***
            // Note that conflictingItems is a subset of itemsBeforeOrigin
            Set<Item> conflictingItems = null;
            Set<Item> itemsBeforeOrigin = null;
            while (o != null && o != right) {
                if (itemsBeforeOrigin == null) {
                    itemsBeforeOrigin = identitySet();
                    conflictingItems = identitySet();
                }
                itemsBeforeOrigin.add(o);
                conflictingItems.add(o);
                if (sameId(origin, o.origin)) {
                    // case 1
                    if (o.id.client() < id.client()) {
                        newLeft = o;
                        conflictingItems.clear();
                    } else if (sameId(rightOrigin, o.rightOrigin)) {
                        // this and o conflict and point to the same integration points: the id decides, this is left of
                        // o
                        break;
                    } // else o might be integrated before an item that this conflicts with: found in next iterations
                } else if (o.origin != null) {
                    AbstractStruct oOrigin = StructStore.find(store, o.origin);
                    if (oOrigin instanceof Item oo && itemsBeforeOrigin.contains(oo)) {
                        // case 2
                        if (!conflictingItems.contains(oo)) {
                            newLeft = o;
                            conflictingItems.clear();
                        }
                    } else {
                        break;
                    }
                } else {
                    break;
                }
                o = o.right;
            }
            left = newLeft;
        }
        // reconnect left/right + update parent map/start if necessary
        if (left != null) {
            right = left.right;
            left.right = this;
        } else {
            Item r;
            if (parentSub != null) {
                r = parentType._map.get(parentSub);
                while (r != null && r.left != null) {
                    r = r.left;
                }
            } else {
                r = parentType._start;
                parentType._start = this;
            }
            right = r;
        }
        if (right != null) {
            right.left = this;
        } else if (parentSub != null) {
            // set as current parent value if right === null and this is parentSub
            parentType._map.put(parentSub, this);
            if (left != null) {
                // this is the current attribute value of parent. delete right
                left.delete(transaction);
            }
        }
        // adjust length of parent
        if (parentSub == null && countable() && !deleted()) {
            parentType._length += length;
        }
        transaction.doc.store.addStruct(this);
        content.integrate(transaction, this);
        // add parent to transaction.changed
        Transaction.addChangedTypeToTransaction(transaction, parentType, parentSub);
        if ((parentType._item != null && parentType._item.deleted()) || (parentSub != null && right != null)) {
            // delete if parent is deleted or if this is not the current attribute value of parent
            delete(transaction);
        }
    }

    private static Set<Item> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    static boolean sameId(ID a, ID b) {
        return a == b || (a != null && b != null && a.client() == b.client() && a.clock() == b.clock());
    }

    // ---- merge / split / delete / gc

    /** Try to merge right into this item (both adjacent in the store and in the list). */
    @Override
    public boolean mergeWith(AbstractStruct r) {
        if (!(r instanceof Item right) || (long) length + right.length > Integer.MAX_VALUE) {
            return false; // lengths are ints: huge runs stay separate structs
        }
        if (right.origin != null
                && right.origin.client() == id.client()
                && right.origin.clock() == id.clock() + length - 1
                && this.right == right
                && sameId(rightOrigin, right.rightOrigin)
                && id.client() == right.id.client()
                && id.clock() + length == right.id.clock()
                && deleted() == right.deleted()
                && content.getClass() == right.content.getClass()
                && content.mergeWith(right.content)) {
            List<ArraySearchMarker> searchMarker = ((AbstractType) parent)._searchMarker;
            if (searchMarker != null) {
                for (ArraySearchMarker marker : searchMarker) {
                    if (marker.p == right) {
                        // right is going to be "forgotten" so we need to update the marker
                        marker.p = this;
                        // adjust marker index
                        if (!deleted() && countable()) {
                            marker.index -= length;
                        }
                    }
                }
            }
            if (right.keep()) {
                keep(true);
            }
            this.right = right.right;
            if (this.right != null) {
                this.right.left = this;
            }
            length += right.length;
            return true;
        }
        return false;
    }

    /** Split this item at diff; returns the new right part (splitItem in Item.js). */
    public static Item splitItem(Transaction transaction, Item leftItem, int diff) {
        long client = leftItem.id.client();
        long clock = leftItem.id.clock();
        Item rightItem = new Item(
                new ID(client, clock + diff),
                leftItem,
                new ID(client, clock + diff - 1),
                leftItem.right,
                leftItem.rightOrigin,
                leftItem.parent,
                leftItem.parentSub,
                leftItem.content.splice(diff));
        if (leftItem.deleted()) {
            rightItem.markDeleted();
        }
        if (leftItem.keep()) {
            rightItem.keep(true);
        }
        // update left (do not set leftItem.rightOrigin as it will lead to problems when syncing)
        leftItem.right = rightItem;
        if (rightItem.right != null) {
            rightItem.right.left = rightItem;
        }
        // right is more specific
        transaction._mergeStructs.add(rightItem);
        if (rightItem.parentSub != null && rightItem.right == null) {
            ((AbstractType) rightItem.parent)._map.put(rightItem.parentSub, rightItem);
        }
        leftItem.length = diff;
        return rightItem;
    }

    /** Mark this item as deleted. */
    public void delete(Transaction transaction) {
        if (!deleted()) {
            AbstractType p = (AbstractType) parent;
            if (countable() && parentSub == null) {
                p._length -= length;
            }
            markDeleted();
            org.civicpress.ycrdt.utils.DeleteSet.addToDeleteSet(transaction.deleteSet, id.client(), id.clock(), length);
            Transaction.addChangedTypeToTransaction(transaction, p, parentSub);
            content.delete(transaction);
        }
    }

    /** Replace the content by ContentDeleted, or the whole item by a GC if its parent was collected. */
    public void gc(StructStore store, boolean parentGCd) {
        if (!deleted()) {
            throw new IllegalStateException("gc of a non-deleted item");
        }
        content.gc(store);
        if (parentGCd) {
            store.replaceStruct(this, new GC(id, length));
        } else {
            content = new ContentDeleted(length);
        }
    }

    // ---- encoding

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        ID o = offset > 0 ? new ID(id.client(), id.clock() + offset - 1) : origin;
        ID ro = rightOrigin;
        String ps = parentSub;
        int inf = (content.getRef() & 0x1f)
                | (o == null ? 0 : 0x80) // origin is defined
                | (ro == null ? 0 : 0x40) // right origin is defined
                | (ps == null ? 0 : 0x20); // parentSub is non-null
        encoder.writeInfo(inf);
        if (o != null) {
            encoder.writeLeftID(o);
        }
        if (ro != null) {
            encoder.writeRightID(ro);
        }
        if (o == null && ro == null) {
            if (parent instanceof AbstractType p) {
                Item parentItem = p._item;
                if (parentItem == null) {
                    // parent type on doc.share: write its key
                    encoder.writeParentInfo(true);
                    encoder.writeString(findRootTypeKey(p));
                } else {
                    encoder.writeParentInfo(false);
                    encoder.writeLeftID(parentItem.id);
                }
            } else if (parent instanceof String key) { // edge case added by differential updates
                encoder.writeParentInfo(true);
                encoder.writeString(key);
            } else if (parent instanceof ID pid) {
                encoder.writeParentInfo(false);
                encoder.writeLeftID(pid);
            } else {
                throw new IllegalStateException("item without parent cannot be written");
            }
            if (ps != null) {
                encoder.writeString(ps);
            }
        }
        content.write(encoder, offset);
    }

    static String findRootTypeKey(AbstractType type) {
        Doc doc = type.doc;
        for (Map.Entry<String, AbstractType> e : doc.share.entrySet()) {
            if (e.getValue() == type) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("top-level type not found in doc.share");
    }

    @Override
    public String toString() {
        return "Item(" + id + ", len " + length + (deleted() ? ", deleted" : "") + ")";
    }
}
