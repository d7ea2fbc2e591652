package org.civicpress.ycrdt.types;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.civicpress.ycrdt.structs.ContentType;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A list of XML nodes (YXmlFragment.js). Children: YXmlElement, YXmlText, YXmlHook. */
public class YXmlFragment extends AbstractType {
    /** Children inserted before the type was integrated into a document. */
    List<Object> _prelimContent = new ArrayList<>();

    public YXmlFragment() {}

    /** First visible child, or null. */
    public Object getFirstChild() {
        Item first = getFirst();
        return first == null ? null : contentAt(first, 0);
    }

    @Override
    public void _integrate(Doc y, Item item) {
        super._integrate(y, item);
        List<Object> prelim = _prelimContent;
        _prelimContent = null;
        if (!prelim.isEmpty()) {
            insert(0, prelim);
        }
    }

    @Override
    public AbstractType _copy() {
        return new YXmlFragment();
    }

    public YXmlFragment cloneType() {
        YXmlFragment el = new YXmlFragment();
        el.insert(0, clonedChildren());
        return el;
    }

    List<Object> clonedChildren() {
        List<Object> items = new ArrayList<>();
        for (Object v : toArray()) {
            items.add(TypeClone.cloneValue(v));
        }
        return items;
    }

    public int length() {
        return _prelimContent == null ? _length : _prelimContent.size();
    }

    @Override
    public void _callObserver(Transaction transaction, Set<String> parentSubs) {
        callTypeObservers(this, transaction, new YXmlEvent(this, parentSubs, transaction));
    }

    /** Concatenated toString() of the children. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        typeListForEach(this, (xml, i) -> sb.append(JsString.of(xml)));
        return sb.toString();
    }

    @Override
    public Object toJSON() {
        return toString();
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

    /** Inserts after a reference child (null = at the start). */
    public void insertAfter(Object ref, List<?> content) {
        checkListContent(content);
        if (doc != null) {
            doc.transact(tr -> {
                Item refItem = ref instanceof AbstractType t ? t._item : (Item) ref;
                typeListInsertGenericsAfter(tr, this, refItem, content);
            });
        } else {
            int index = ref == null ? 0 : indexOfIdentity(_prelimContent, ref) + 1;
            if (index == 0 && ref != null) {
                throw new IllegalArgumentException("Reference item not found");
            }
            _prelimContent.addAll(index, content);
        }
    }

    private static int indexOfIdentity(List<Object> l, Object o) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) == o) {
                return i;
            }
        }
        return -1;
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

    public List<Object> toArray() {
        return typeListToArray(this);
    }

    public void push(List<?> content) {
        insert(length(), content);
    }

    public void push(Object... content) {
        push(Arrays.asList(content));
    }

    public void unshift(List<?> content) {
        insert(0, content);
    }

    public Object get(int index) {
        return typeListGet(this, index);
    }

    public List<Object> slice(int start, int end) {
        return typeListSlice(this, start, end);
    }

    public void forEach(ListVisitor f) {
        typeListForEach(this, f);
    }

    /** Depth-first walk over descendant elements/texts matching the filter (YXmlTreeWalker). */
    public List<AbstractType> createTreeWalker(Predicate<AbstractType> filter) {
        List<AbstractType> res = new ArrayList<>();
        walk(this, filter, res, false);
        return res;
    }

    private static void walk(
            AbstractType root, Predicate<AbstractType> filter, List<AbstractType> res, boolean firstOnly) {
        // iterative DFS so deep trees don't overflow the stack
        ArrayList<Item> stack = new ArrayList<>();
        if (root._start != null) {
            stack.add(root._start);
        }
        while (!stack.isEmpty()) {
            Item n = stack.remove(stack.size() - 1);
            if (n.right != null) {
                stack.add(n.right);
            }
            if (n.deleted() || !(n.content instanceof ContentType ct)) {
                continue;
            }
            AbstractType type = ct.type;
            if (filter.test(type)) {
                res.add(type);
                if (firstOnly) {
                    return;
                }
            }
            if ((type instanceof YXmlElement || type.getClass() == YXmlFragment.class) && type._start != null) {
                stack.add(type._start);
            }
        }
    }

    /** First descendant element whose nodeName matches (case-insensitive), or null. */
    public YXmlElement querySelector(String query) {
        String q = query.toUpperCase(Locale.ROOT);
        List<AbstractType> res = new ArrayList<>();
        walk(
                this,
                t -> t instanceof YXmlElement e
                        && e.nodeName.toUpperCase(Locale.ROOT).equals(q),
                res,
                true);
        return res.isEmpty() ? null : (YXmlElement) res.get(0);
    }

    public List<AbstractType> querySelectorAll(String query) {
        String q = query.toUpperCase(Locale.ROOT);
        return createTreeWalker(t -> t instanceof YXmlElement e
                && e.nodeName.toUpperCase(Locale.ROOT).equals(q));
    }

    @Override
    public void _write(UpdateEncoder encoder) {
        encoder.writeTypeRef(TypeRefs.YXmlFragmentRefID);
    }

    public static YXmlFragment readYXmlFragment(UpdateDecoder decoder) {
        return new YXmlFragment();
    }
}
