package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.civicpress.ycrdt.lib0.Undefined;
import org.civicpress.ycrdt.structs.AbstractStruct;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.types.AbstractType;

/** Base of all type events (YEvent.js): what changed on `target` in `transaction`. */
public class YEvent {
    /** A key change: action is "add", "update" or "delete". */
    public record KeyChange(String action, Object oldValue) {}

    /** Changes of the list part: added/deleted items and a delta ({insert: [...]}, {retain: n}, {delete: n}). */
    public record Changes(
            Set<Item> added, Set<Item> deleted, List<Map<String, Object>> delta, Map<String, KeyChange> keys) {}

    public final AbstractType target;
    /** The type the observer is registered on (differs from target for deep observers). */
    public AbstractType currentTarget;

    public final Transaction transaction;
    public Changes _changes;
    public Map<String, KeyChange> _keys;
    public List<Object> _path;

    public YEvent(AbstractType target, Transaction transaction) {
        this.target = target;
        this.currentTarget = target;
        this.transaction = transaction;
    }

    /** Path from currentTarget to target: keys (String) and indexes (Integer). */
    public List<Object> path() {
        if (_path == null) {
            _path = getPathTo(currentTarget, target);
        }
        return _path;
    }

    /** Whether struct was deleted by this event's transaction. */
    public boolean deletes(AbstractStruct struct) {
        return DeleteSet.isDeleted(transaction.deleteSet, struct.id);
    }

    /** Whether struct was added by this event's transaction. */
    public boolean adds(AbstractStruct struct) {
        return struct.id.clock() >= transaction.beforeStateOf(struct.id.client());
    }

    private static Object lastOf(Item item) {
        List<Object> c = item.content.getContent();
        return c.isEmpty() ? Undefined.INSTANCE : c.get(c.size() - 1);
    }

    /** Changed map keys. Must be computed while the observer runs. */
    public Map<String, KeyChange> keys() {
        if (_keys == null) {
            Map<String, KeyChange> keys = new LinkedHashMap<>();
            Set<String> changed = transaction.changed.get(target);
            if (changed != null) {
                for (String key : changed) {
                    if (key == null) {
                        continue;
                    }
                    Item item = target._map.get(key);
                    if (item == null) {
                        continue;
                    }
                    if (adds(item)) {
                        Item prev = item.left;
                        while (prev != null && adds(prev)) {
                            prev = prev.left;
                        }
                        if (deletes(item)) {
                            if (prev != null && deletes(prev)) {
                                keys.put(key, new KeyChange("delete", lastOf(prev)));
                            }
                        } else if (prev != null && deletes(prev)) {
                            keys.put(key, new KeyChange("update", lastOf(prev)));
                        } else {
                            keys.put(key, new KeyChange("add", Undefined.INSTANCE));
                        }
                    } else if (deletes(item)) {
                        keys.put(key, new KeyChange("delete", lastOf(item)));
                    }
                }
            }
            _keys = keys;
        }
        return _keys;
    }

    /** The list delta (see Changes). */
    public List<Map<String, Object>> delta() {
        return changes().delta();
    }

    public Changes changes() {
        if (_changes == null) {
            Set<Item> added = new LinkedHashSet<>();
            Set<Item> deleted = new LinkedHashSet<>();
            List<Map<String, Object>> delta = new ArrayList<>();
            Set<String> changed = transaction.changed.get(target);
            if (changed != null && changed.contains(null)) {
                Map<String, Object> lastOp = null;
                for (Item item = target._start; item != null; item = item.right) {
                    if (item.deleted()) {
                        if (deletes(item) && !adds(item)) {
                            if (lastOp == null || !lastOp.containsKey("delete")) {
                                if (lastOp != null) {
                                    delta.add(lastOp);
                                }
                                lastOp = new LinkedHashMap<>();
                                lastOp.put("delete", 0L);
                            }
                            lastOp.put("delete", (Long) lastOp.get("delete") + item.length);
                            deleted.add(item);
                        }
                    } else if (adds(item)) {
                        if (lastOp == null || !lastOp.containsKey("insert")) {
                            if (lastOp != null) {
                                delta.add(lastOp);
                            }
                            lastOp = new LinkedHashMap<>();
                            lastOp.put("insert", new ArrayList<>());
                        }
                        @SuppressWarnings("unchecked")
                        List<Object> ins = (List<Object>) lastOp.get("insert");
                        ins.addAll(item.content.getContent());
                        added.add(item);
                    } else {
                        if (lastOp == null || !lastOp.containsKey("retain")) {
                            if (lastOp != null) {
                                delta.add(lastOp);
                            }
                            lastOp = new LinkedHashMap<>();
                            lastOp.put("retain", 0L);
                        }
                        lastOp.put("retain", (Long) lastOp.get("retain") + item.length);
                    }
                }
                if (lastOp != null && !lastOp.containsKey("retain")) {
                    delta.add(lastOp);
                }
            }
            _changes = new Changes(added, deleted, delta, keys());
        }
        return _changes;
    }

    /** Path from parent to child: map keys and list indexes. */
    static List<Object> getPathTo(AbstractType parent, AbstractType child) {
        LinkedList<Object> path = new LinkedList<>();
        while (child._item != null && child != parent) {
            Item item = child._item;
            if (item.parentSub != null) {
                path.addFirst(item.parentSub);
            } else {
                int i = 0;
                Item c = ((AbstractType) item.parent)._start;
                while (c != item && c != null) {
                    if (!c.deleted() && c.countable()) {
                        i += c.length;
                    }
                    c = c.right;
                }
                path.addFirst(i);
            }
            child = (AbstractType) item.parent;
        }
        return Collections.unmodifiableList(new ArrayList<>(path));
    }
}
