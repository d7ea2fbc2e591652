package org.civicpress.ycrdt.types;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A shared list (YArray.js). Values: JSON-like Java values, byte[], Doc or nested types. */
public class YArray extends AbstractType implements Iterable<Object> {
    /** Content inserted before the type was integrated into a document. */
    private List<Object> _prelimContent = new ArrayList<>();

    public YArray() {
        this._searchMarker = new ArrayList<>();
    }

    public static YArray from(List<?> items) {
        YArray a = new YArray();
        a.push(items);
        return a;
    }

    @Override
    public void _integrate(org.civicpress.ycrdt.utils.Doc y, org.civicpress.ycrdt.structs.Item item) {
        super._integrate(y, item);
        List<Object> prelim = _prelimContent;
        _prelimContent = null;
        if (!prelim.isEmpty()) {
            insert(0, prelim);
        }
    }

    @Override
    public AbstractType _copy() {
        return new YArray();
    }

    /** A preliminary deep copy (nested types cloned) that can be inserted elsewhere. */
    public YArray cloneType() {
        YArray arr = new YArray();
        List<Object> items = new ArrayList<>();
        for (Object el : toArray()) {
            items.add(TypeClone.cloneValue(el));
        }
        arr.insert(0, items);
        return arr;
    }

    public int length() {
        return _prelimContent != null ? _prelimContent.size() : _length;
    }

    @Override
    public void _callObserver(Transaction transaction, Set<String> parentSubs) {
        super._callObserver(transaction, parentSubs);
        callTypeObservers(this, transaction, new YArrayEvent(this, transaction));
    }

    public void insert(int index, List<?> content) {
        checkListContent(content);
        if (doc != null) {
            doc.transact(tr -> typeListInsertGenerics(tr, this, index, content));
        } else {
            if (index < 0 || index > _prelimContent.size()) {
                throw new IndexOutOfBoundsException("Length exceeded!");
            }
            _prelimContent.addAll(index, content);
        }
    }

    public void insert(int index, Object... content) {
        insert(index, Arrays.asList(content));
    }

    public void push(List<?> content) {
        checkListContent(content);
        if (doc != null) {
            doc.transact(tr -> typeListPushGenerics(tr, this, content));
        } else {
            _prelimContent.addAll(content);
        }
    }

    public void push(Object... content) {
        push(Arrays.asList(content));
    }

    public void unshift(List<?> content) {
        insert(0, content);
    }

    public void delete(int index) {
        delete(index, 1);
    }

    public void delete(int index, int length) {
        if (doc != null) {
            doc.transact(tr -> typeListDelete(tr, this, index, length));
        } else {
            if (index < 0 || length < 0 || index + length > _prelimContent.size()) {
                throw new IndexOutOfBoundsException("Length exceeded!");
            }
            _prelimContent.subList(index, index + length).clear();
        }
    }

    /** Element at index; Undefined.INSTANCE when out of range (like Yjs's undefined). */
    public Object get(int index) {
        return typeListGet(this, index);
    }

    public List<Object> toArray() {
        return typeListToArray(this);
    }

    public List<Object> slice(int start) {
        return typeListSlice(this, start, _length);
    }

    public List<Object> slice(int start, int end) {
        return typeListSlice(this, start, end);
    }

    /** List of the elements' JSON values (nested types converted). */
    @Override
    public List<Object> toJSON() {
        List<Object> res = new ArrayList<>(_length);
        typeListForEach(this, (c, i) -> res.add(valueToJSON(c)));
        return res;
    }

    public void forEach(ListVisitor f) {
        typeListForEach(this, f);
    }

    /** Iterates over a snapshot of the elements (edits during iteration are not seen). */
    @Override
    public java.util.Iterator<Object> iterator() {
        return toArray().iterator();
    }

    @Override
    public void _write(UpdateEncoder encoder) {
        encoder.writeTypeRef(TypeRefs.YArrayRefID);
    }

    public static YArray readYArray(UpdateDecoder decoder) {
        return new YArray();
    }
}
