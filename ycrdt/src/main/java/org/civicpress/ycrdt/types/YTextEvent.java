package org.civicpress.ycrdt.types;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.civicpress.ycrdt.structs.ContentEmbed;
import org.civicpress.ycrdt.structs.ContentFormat;
import org.civicpress.ycrdt.structs.ContentString;
import org.civicpress.ycrdt.structs.ContentType;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.YEvent;

/** Event of a YText: the change as a Quill delta with attributes (YTextEvent in YText.js). */
public class YTextEvent extends YEvent {
    public final boolean childListChanged;
    public final Set<String> keysChanged = new java.util.LinkedHashSet<>();
    private List<Map<String, Object>> _delta;

    public YTextEvent(YText target, Transaction transaction, Set<String> subs) {
        super(target, transaction);
        boolean childList = false;
        for (String sub : subs) {
            if (sub == null) {
                childList = true;
            } else {
                keysChanged.add(sub);
            }
        }
        this.childListChanged = childList;
    }

    @Override
    public Changes changes() {
        if (_changes == null) {
            _changes = new Changes(new LinkedHashSet<>(), new LinkedHashSet<>(), delta(), keys());
        }
        return _changes;
    }

    /** Delta ops: {insert: String|embed|type, attributes?}, {retain: Long, attributes?}, {delete: Long}. */
    @Override
    public List<Map<String, Object>> delta() {
        if (_delta == null) {
            java.util.function.Function<Transaction, List<Map<String, Object>>> f = tr -> new DeltaBuilder(tr).build();
            _delta = target.doc.transact(f, null);
        }
        return _delta;
    }

    /** The state machine of YTextEvent.delta, as a class so the pieces share their variables. */
    private final class DeltaBuilder {
        private final Transaction transaction;
        private final java.util.ArrayList<Map<String, Object>> delta = new java.util.ArrayList<>();
        private final Map<String, Object> currentAttributes = new LinkedHashMap<>();
        private final Map<String, Object> oldAttributes = new LinkedHashMap<>();
        /** Attributes added or removed for the current retain (JS object, so insertion ordered). */
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        private String action;
        private Object insert = "";
        private StringBuilder insertStr = new StringBuilder();
        private long retain;
        private long deleteLen;

        DeltaBuilder(Transaction transaction) {
            this.transaction = transaction;
        }

        private void addOp() {
            if (action == null) {
                return;
            }
            Map<String, Object> op = null;
            switch (action) {
                case "delete" -> {
                    if (deleteLen > 0) {
                        op = new LinkedHashMap<>();
                        op.put("delete", deleteLen);
                    }
                    deleteLen = 0;
                }
                case "insert" -> {
                    Object ins = insert == null ? insertStr.toString() : insert;
                    if (!(ins instanceof String s) || !s.isEmpty()) {
                        op = new LinkedHashMap<>();
                        op.put("insert", ins);
                        if (!currentAttributes.isEmpty()) {
                            Map<String, Object> attrs = new LinkedHashMap<>();
                            currentAttributes.forEach((key, value) -> {
                                if (value != null) {
                                    attrs.put(key, value);
                                }
                            });
                            op.put("attributes", AbstractType.jsObjectOrder(attrs));
                        }
                    }
                    insert = null;
                    insertStr.setLength(0);
                }
                case "retain" -> {
                    if (retain > 0) {
                        op = new LinkedHashMap<>();
                        op.put("retain", retain);
                        if (!attributes.isEmpty()) {
                            op.put("attributes", AbstractType.jsObjectOrder(new LinkedHashMap<>(attributes)));
                        }
                    }
                    retain = 0;
                }
                default -> throw new IllegalStateException(action);
            }
            if (op != null) {
                delta.add(op);
            }
            action = null;
        }

        List<Map<String, Object>> build() {
            insert = null; // null: the pending insert is the text in insertStr
            for (Item item = target._start; item != null; item = item.right) {
                if (item.content instanceof ContentType || item.content instanceof ContentEmbed) {
                    if (adds(item)) {
                        if (!deletes(item)) {
                            addOp();
                            action = "insert";
                            insert = AbstractType.contentAt(item, 0);
                            addOp();
                        }
                    } else if (deletes(item)) {
                        if (!"delete".equals(action)) {
                            addOp();
                            action = "delete";
                        }
                        deleteLen += 1;
                    } else if (!item.deleted()) {
                        if (!"retain".equals(action)) {
                            addOp();
                            action = "retain";
                        }
                        retain += 1;
                    }
                } else if (item.content instanceof ContentString cs) {
                    if (adds(item)) {
                        if (!deletes(item)) {
                            if (!"insert".equals(action)) {
                                addOp();
                                action = "insert";
                            }
                            insertStr.append(cs.str());
                        }
                    } else if (deletes(item)) {
                        if (!"delete".equals(action)) {
                            addOp();
                            action = "delete";
                        }
                        deleteLen += item.length;
                    } else if (!item.deleted()) {
                        if (!"retain".equals(action)) {
                            addOp();
                            action = "retain";
                        }
                        retain += item.length;
                    }
                } else if (item.content instanceof ContentFormat cf) {
                    formatItem(item, cf);
                }
            }
            addOp();
            while (!delta.isEmpty()) {
                Map<String, Object> lastOp = delta.get(delta.size() - 1);
                if (lastOp.containsKey("retain") && !lastOp.containsKey("attributes")) {
                    // retains that assign no attributes are not needed at the end
                    delta.remove(delta.size() - 1);
                } else {
                    break;
                }
            }
            return delta;
        }

        private void formatItem(Item item, ContentFormat cf) {
            String key = cf.key;
            Object value = cf.value;
            if (adds(item)) {
                if (!deletes(item)) {
                    Object curVal = TextAttributes.getOrNull(currentAttributes, key);
                    if (!TextAttributes.equalAttrs(curVal, value)) {
                        if ("retain".equals(action)) {
                            addOp();
                        }
                        if (TextAttributes.equalAttrs(value, TextAttributes.getOrNull(oldAttributes, key))) {
                            attributes.remove(key);
                        } else {
                            attributes.put(key, value);
                        }
                    } else if (value != null) {
                        item.delete(transaction);
                    }
                }
            } else if (deletes(item)) {
                oldAttributes.put(key, value);
                Object curVal = TextAttributes.getOrNull(currentAttributes, key);
                if (!TextAttributes.equalAttrs(curVal, value)) {
                    if ("retain".equals(action)) {
                        addOp();
                    }
                    attributes.put(key, curVal);
                }
            } else if (!item.deleted()) {
                oldAttributes.put(key, value);
                if (attributes.containsKey(key)) {
                    Object attr = attributes.get(key);
                    if (!TextAttributes.equalAttrs(attr, value)) {
                        if ("retain".equals(action)) {
                            addOp();
                        }
                        if (value == null) {
                            attributes.remove(key);
                        } else {
                            attributes.put(key, value);
                        }
                    } else if (attr != null) {
                        // cleaned up later by the contextless formatting cleanup
                        item.delete(transaction);
                    }
                }
            }
            if (!item.deleted()) {
                if ("insert".equals(action)) {
                    addOp();
                }
                TextAttributes.updateCurrentAttributes(currentAttributes, cf);
            }
        }
    }
}
