package org.civicpress.realtime.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.types.YArray;
import org.civicpress.ycrdt.types.YMap;
import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.types.YTextEvent;
import org.civicpress.ycrdt.types.YXmlFragment;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.TopLevelTypes;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.YEvent;

/**
 * What changed in a document, per top-level type, read from the events Yjs itself fires when the change is
 * applied (the same deltas an editor's observers see), not from comparing printouts: exact for concurrent
 * edits, and as cheap as applying the update.
 * <ul>
 *   <li>{@link #summarize}: one journaled update: characters inserted/deleted per text, keys set/removed per
 *   map, items inserted/deleted per array or XML fragment;</li>
 *   <li>{@link #diff}: between two points: the text delta with the deleted text spelled out, key changes with
 *   old and new values for maps, the array delta with inserted and deleted values.</li>
 * </ul>
 * Results are maps and lists ready for {@link org.civicpress.ycrdt.lib0.Json#stringify}.
 */
public final class DocChanges {
    private DocChanges() {}

    /**
     * Applies {@code update} to {@code doc} (the document just before it, typed) and says what it changed,
     * keyed by top-level type name. Types the update creates are typed afterwards and counted whole.
     */
    public static Map<String, Object> summarize(Doc doc, byte[] update) {
        TopLevelTypes.inferAll(doc);
        Map<String, Summary> out = new LinkedHashMap<>();
        Set<String> typedBefore = new LinkedHashSet<>();
        Runnable detach = observeAll(doc, typedBefore, (name, events) -> {
            Summary s = out.computeIfAbsent(name, n -> new Summary(kind(doc.share.get(n))));
            for (YEvent e : events) s.add(e);
        });
        try {
            Y.applyUpdate(doc, update, "history");
        } finally {
            detach.run();
        }
        TopLevelTypes.inferAll(doc);
        for (Map.Entry<String, AbstractType> e : doc.share.entrySet()) {
            if (typedBefore.contains(e.getKey()) || e.getValue().getClass() == AbstractType.class) continue;
            out.computeIfAbsent(e.getKey(), n -> new Summary(kind(e.getValue())))
                    .addWhole(e.getValue());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        out.forEach((name, s) -> {
            if (!s.isEmpty()) json.put(name, s.toJson());
        });
        return json;
    }

    /**
     * What changed from {@code from} to {@code to} (both typed documents of the same room, {@code to} later).
     * {@code from} is changed: it becomes {@code to}.
     */
    public static Map<String, Object> diff(Doc from, Doc to) {
        // Type the earlier doc like the later one, so that types created in between fire events too.
        for (Map.Entry<String, AbstractType> e : to.share.entrySet()) {
            AbstractType existing = from.share.get(e.getKey());
            if (existing != null && existing.getClass() != AbstractType.class) continue;
            typeLike(from, e.getKey(), e.getValue());
        }
        TopLevelTypes.inferAll(from);
        Map<String, List<Object>> beforeUnits = new HashMap<>();
        for (Map.Entry<String, AbstractType> e : from.share.entrySet()) {
            AbstractType t = e.getValue();
            if (t instanceof YText text) beforeUnits.put(e.getKey(), textUnits(text));
            else if (t instanceof YArray array) beforeUnits.put(e.getKey(), new ArrayList<>(array.toJSON()));
            else if (t instanceof YXmlFragment xml) beforeUnits.put(e.getKey(), xmlChildren(xml));
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        Runnable detach = observeAll(from, new LinkedHashSet<>(), (name, events) -> {
            Map<String, Object> entry = out.computeIfAbsent(name, n -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", kind(from.share.get(n)));
                return m;
            });
            for (YEvent e : events) describe(entry, e, beforeUnits.get(name));
        });
        try {
            Y.applyUpdate(from, Y.encodeStateAsUpdate(to), "history");
        } finally {
            detach.run();
        }
        return new LinkedHashMap<>(out);
    }

    // ---------------------------------------------------------------- observing

    /** observeDeep on every typed top-level type ({@code typed} receives their names); returns the detach. */
    private static Runnable observeAll(Doc doc, Set<String> typed, BiConsumer<String, List<YEvent>> sink) {
        List<Runnable> detach = new ArrayList<>();
        for (Map.Entry<String, AbstractType> e : doc.share.entrySet()) {
            AbstractType type = e.getValue();
            if (type.getClass() == AbstractType.class) continue;
            typed.add(e.getKey());
            String name = e.getKey();
            BiConsumer<List<YEvent>, Transaction> observer = (events, tr) -> sink.accept(name, events);
            type.observeDeep(observer);
            detach.add(() -> type.unobserveDeep(observer));
        }
        return () -> detach.forEach(Runnable::run);
    }

    private static void typeLike(Doc doc, String name, AbstractType like) {
        if (like instanceof YText) doc.getText(name);
        else if (like instanceof YXmlFragment) doc.getXmlFragment(name);
        else if (like instanceof YArray) doc.getArray(name);
        else if (like instanceof YMap) doc.getMap(name);
    }

    static String kind(AbstractType type) {
        if (type instanceof YText) return "text";
        if (type instanceof YXmlFragment) return "xml";
        if (type instanceof YArray) return "array";
        if (type instanceof YMap) return "map";
        return "unknown";
    }

    // ---------------------------------------------------------------- summary of one update

    private static final class Summary {
        final String type;
        long inserted;
        long deleted;
        final Set<String> keysSet = new TreeSet<>();
        final Set<String> keysRemoved = new TreeSet<>();

        Summary(String type) {
            this.type = type;
        }

        void add(YEvent e) {
            boolean text = e instanceof YTextEvent;
            if (text || !(e.target instanceof YMap)) {
                for (Map<String, Object> op : e.delta()) {
                    Object insert = op.get("insert");
                    if (insert instanceof String s) inserted += s.length();
                    else if (insert instanceof List<?> list) inserted += list.size();
                    else if (insert != null) inserted += 1; // an embed
                    if (op.get("delete") instanceof Number n) deleted += n.longValue();
                }
            }
            if (e.target instanceof YMap || e.target instanceof YXmlFragment) {
                e.keys().forEach((key, change) -> {
                    if ("delete".equals(change.action())) keysRemoved.add(key);
                    else keysSet.add(key);
                });
            }
        }

        void addWhole(AbstractType type) {
            if (type instanceof YText t) inserted += t.length();
            else if (type instanceof YArray a) inserted += a.length();
            else if (type instanceof YXmlFragment x) inserted += x.length();
            else if (type instanceof YMap m) keysSet.addAll(m.keys());
        }

        boolean isEmpty() {
            return inserted == 0 && deleted == 0 && keysSet.isEmpty() && keysRemoved.isEmpty();
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            if (type.equals("map")) {
                m.put("keysSet", new ArrayList<>(keysSet));
                m.put("keysRemoved", new ArrayList<>(keysRemoved));
                return m;
            }
            String unit = type.equals("text") ? "characters" : "items";
            m.put(unit + "Inserted", inserted);
            m.put(unit + "Deleted", deleted);
            if (!keysSet.isEmpty() || !keysRemoved.isEmpty()) {
                m.put("keysSet", new ArrayList<>(keysSet));
                m.put("keysRemoved", new ArrayList<>(keysRemoved));
            }
            return m;
        }
    }

    // ---------------------------------------------------------------- diff between two points

    /**
     * Adds one event to a diff entry: top-level list events get their delta with deleted content spelled out
     * from {@code before} (the type's units before the change); map events their key changes; nested events
     * their path and raw delta/keys.
     */
    @SuppressWarnings("unchecked")
    private static void describe(Map<String, Object> entry, YEvent e, List<Object> before) {
        boolean topLevel = e.path().isEmpty();
        Map<String, Object> target = entry;
        if (!topLevel) {
            List<Object> nested = (List<Object>) entry.computeIfAbsent("nested", k -> new ArrayList<>());
            target = new LinkedHashMap<>();
            target.put("path", new ArrayList<>(e.path()));
            target.put("type", kind(e.target));
            nested.add(target);
        }
        if (e.target instanceof YMap || e.target instanceof YXmlFragment) {
            Map<String, Object> keys = new LinkedHashMap<>();
            e.keys().forEach((key, change) -> {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("action", change.action());
                if (!"add".equals(change.action())) c.put("oldValue", json(change.oldValue()));
                if (!"delete".equals(change.action())) c.put("newValue", json(currentValue(e.target, key)));
                keys.put(key, c);
            });
            if (!keys.isEmpty()) target.put("keys", keys);
        }
        if (e.target instanceof YMap) return;
        List<Object> delta = new ArrayList<>();
        int cursor = 0;
        for (Map<String, Object> op : e.delta()) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (op.get("retain") instanceof Number n) {
                out.put("retain", n.longValue());
                cursor += n.intValue();
            } else if (op.containsKey("insert")) {
                out.put("insert", json(op.get("insert")));
            } else if (op.get("delete") instanceof Number n) {
                int len = n.intValue();
                if (topLevel && before != null && cursor + len <= before.size()) {
                    List<Object> removed = before.subList(cursor, cursor + len);
                    out.put("delete", e.target instanceof YText ? joinText(removed) : new ArrayList<>(removed));
                } else {
                    out.put("delete", len);
                }
                cursor += len;
            }
            if (op.get("attributes") != null) out.put("attributes", json(op.get("attributes")));
            delta.add(out);
        }
        if (!delta.isEmpty()) target.put("delta", delta);
    }

    private static Object currentValue(AbstractType target, String key) {
        if (target instanceof YMap map) return map.get(key);
        if (target instanceof org.civicpress.ycrdt.types.YXmlElement el) return el.getAttribute(key);
        return null;
    }

    /** A text as units of its length: one string per character (UTF-16), an embed as its JSON. */
    private static List<Object> textUnits(YText text) {
        List<Object> units = new ArrayList<>();
        for (Map<String, Object> op : text.toDelta()) {
            Object insert = op.get("insert");
            if (insert instanceof String s) {
                for (int i = 0; i < s.length(); i++) units.add(String.valueOf(s.charAt(i)));
            } else {
                units.add(json(insert));
            }
        }
        return units;
    }

    private static Object joinText(List<Object> units) {
        StringBuilder sb = new StringBuilder();
        for (Object u : units) {
            if (u instanceof String s) sb.append(s);
            else sb.append('\uFFFC'); // an embed: the object replacement character
        }
        return sb.toString();
    }

    private static List<Object> xmlChildren(YXmlFragment xml) {
        List<Object> children = new ArrayList<>();
        for (int i = 0; i < xml.length(); i++) children.add(String.valueOf(xml.get(i)));
        return children;
    }

    /** A value as JSON-ready data: shared types as their toJSON, byte arrays as lists of numbers. */
    static Object json(Object value) {
        if (value instanceof AbstractType type) return type.toJSON();
        if (value instanceof byte[] bytes) {
            List<Object> list = new ArrayList<>(bytes.length);
            for (byte b : bytes) list.add(b & 0xFF);
            return list;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object v : list) out.add(json(v));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), json(v)));
            return out;
        }
        return value;
    }
}
