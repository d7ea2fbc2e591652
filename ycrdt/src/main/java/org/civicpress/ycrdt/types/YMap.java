package org.civicpress.ycrdt.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A shared key/value map (YMap.js). */
public class YMap extends AbstractType {
    /** Entries set before the type was integrated into a document. */
    private Map<String, Object> _prelimContent = new LinkedHashMap<>();

    public YMap() {}

    public YMap(Map<String, ?> entries) {
        entries.forEach((k, v) -> mapValueContent(v)); // validate early
        _prelimContent.putAll(entries);
    }

    @Override
    public void _integrate(Doc y, Item item) {
        super._integrate(y, item);
        Map<String, Object> prelim = _prelimContent;
        _prelimContent = null;
        prelim.forEach(this::set);
    }

    @Override
    public AbstractType _copy() {
        return new YMap();
    }

    public YMap cloneType() {
        YMap map = new YMap();
        forEach((value, key) -> map.set(key, TypeClone.cloneValue(value)));
        return map;
    }

    @Override
    public void _callObserver(Transaction transaction, Set<String> parentSubs) {
        callTypeObservers(this, transaction, new YMapEvent(this, transaction, parentSubs));
    }

    /** Object of the visible entries with nested types converted (JS object key order). */
    @Override
    public Map<String, Object> toJSON() {
        Map<String, Object> map = new LinkedHashMap<>();
        _map.forEach((key, item) -> {
            if (!item.deleted()) {
                map.put(key, valueToJSON(lastContent(item)));
            }
        });
        return jsObjectOrder(map);
    }

    public int size() {
        if (_prelimContent != null) {
            return _prelimContent.size();
        }
        int n = 0;
        for (Item item : _map.values()) {
            if (!item.deleted()) {
                n++;
            }
        }
        return n;
    }

    public List<String> keys() {
        List<String> res = new ArrayList<>();
        _map.forEach((key, item) -> {
            if (!item.deleted()) {
                res.add(key);
            }
        });
        return res;
    }

    public List<Object> values() {
        List<Object> res = new ArrayList<>();
        _map.forEach((key, item) -> {
            if (!item.deleted()) {
                res.add(lastContent(item));
            }
        });
        return res;
    }

    /** Visible entries in insertion order. */
    public Map<String, Object> entries() {
        return typeMapGetAll(this);
    }

    /** Calls f(value, key) for each visible entry. */
    public void forEach(BiConsumer<Object, String> f) {
        for (Map.Entry<String, Item> e : new ArrayList<>(_map.entrySet())) {
            if (!e.getValue().deleted()) {
                f.accept(lastContent(e.getValue()), e.getKey());
            }
        }
    }

    public void delete(String key) {
        if (doc != null) {
            doc.transact(tr -> typeMapDelete(tr, this, key));
        } else {
            _prelimContent.remove(key);
        }
    }

    public <V> V set(String key, V value) {
        mapValueContent(value); // throws before any change for unsupported values
        if (doc != null) {
            doc.transact(tr -> typeMapSet(tr, this, key, value));
        } else {
            _prelimContent.put(key, value);
        }
        return value;
    }

    /** Value for key, or Undefined.INSTANCE if absent (like Yjs's undefined). */
    public Object get(String key) {
        if (doc == null) {
            return _prelimContent.containsKey(key) ? _prelimContent.get(key) : Undefined.INSTANCE;
        }
        return typeMapGet(this, key);
    }

    public boolean has(String key) {
        return doc == null ? _prelimContent.containsKey(key) : typeMapHas(this, key);
    }

    public void clear() {
        if (doc != null) {
            doc.transact(tr -> forEach((value, key) -> typeMapDelete(tr, this, key)));
        } else {
            _prelimContent.clear();
        }
    }

    @Override
    public void _write(UpdateEncoder encoder) {
        encoder.writeTypeRef(TypeRefs.YMapRefID);
    }

    public static YMap readYMap(UpdateDecoder decoder) {
        return new YMap();
    }
}
