package org.civicpress.realtime.history;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.types.YArray;
import org.civicpress.ycrdt.types.YMap;
import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.types.YXmlElement;
import org.civicpress.ycrdt.types.YXmlFragment;
import org.civicpress.ycrdt.types.YXmlHook;
import org.civicpress.ycrdt.types.YXmlText;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.TopLevelTypes;

/**
 * The update that brings a document back to an earlier state <em>as a new edit</em> (rollback): made on a copy
 * of the current document by a client of its own, so every replica applies it like any other edit and the
 * journal keeps everything that happened before. CRDT history cannot be undone by removing updates; instead the
 * edit deletes what the earlier state lacks and inserts (copies of) what it had, per top-level type, touching
 * only what differs: the common beginning and end of texts and arrays, the differing keys of maps.
 */
public final class DocRestore {
    private DocRestore() {}

    /**
     * The update that makes {@code current} show what {@code target} shows (both typed documents of one room;
     * neither is changed), or null when they already agree.
     */
    public static byte[] restoringUpdate(Doc current, Doc target) {
        Doc work = new Doc();
        Y.applyUpdate(work, Y.encodeStateAsUpdate(current), "history");
        TopLevelTypes.inferAll(work);
        TopLevelTypes.inferAll(target);
        Set<String> names = new LinkedHashSet<>();
        names.addAll(work.share.keySet());
        names.addAll(target.share.keySet());
        List<byte[]> updates = new ArrayList<>();
        work.onUpdate((update, origin, tr) -> updates.add(update));
        work.transact(tr -> {
            for (String name : names) restore(work, target, name);
        });
        if (updates.isEmpty()) return null;
        return updates.size() == 1 ? updates.get(0) : Y.mergeUpdates(updates);
    }

    private static void restore(Doc work, Doc target, String name) {
        AbstractType t = target.share.get(name);
        AbstractType w = work.share.get(name);
        AbstractType like = t != null && t.getClass() != AbstractType.class ? t : w;
        if (like == null || like.getClass() == AbstractType.class) return; // empty on both sides
        if (like instanceof YText) {
            restoreText(work.getText(name), target.getText(name));
        } else if (like instanceof YXmlFragment) {
            restoreXml(work.getXmlFragment(name), target.getXmlFragment(name));
        } else if (like instanceof YArray) {
            restoreArray(work.getArray(name), target.getArray(name));
        } else if (like instanceof YMap) {
            restoreMap(work.getMap(name), target.getMap(name));
        }
    }

    private static void restoreText(YText w, YText t) {
        List<Map<String, Object>> wd = w.toDelta();
        List<Map<String, Object>> td = t.toDelta();
        if (wd.equals(td)) return;
        if (plain(wd) && plain(td)) {
            String a = w.toString();
            String b = t.toString();
            int prefix = 0;
            int max = Math.min(a.length(), b.length());
            while (prefix < max && a.charAt(prefix) == b.charAt(prefix)) prefix++;
            int suffix = 0;
            while (suffix < max - prefix && a.charAt(a.length() - 1 - suffix) == b.charAt(b.length() - 1 - suffix))
                suffix++;
            if (a.length() - prefix - suffix > 0) w.delete(prefix, a.length() - prefix - suffix);
            if (b.length() - prefix - suffix > 0) w.insert(prefix, b.substring(prefix, b.length() - suffix));
            return;
        }
        // Formatting or embeds: rewrite the whole text from the earlier delta (no sanitizing of a final newline).
        if (w.length() > 0) w.delete(0, w.length());
        w.applyDelta(td, false);
    }

    private static boolean plain(List<Map<String, Object>> delta) {
        for (Map<String, Object> op : delta) {
            if (!(op.get("insert") instanceof String) || op.get("attributes") != null) return false;
        }
        return true;
    }

    private static void restoreMap(YMap w, YMap t) {
        for (String key : w.keys()) {
            if (!t.has(key)) w.delete(key);
        }
        for (String key : t.keys()) {
            Object value = t.get(key);
            if (!w.has(key) || !Objects.equals(DocChanges.json(w.get(key)), DocChanges.json(value))) {
                w.set(key, copy(value));
            }
        }
    }

    private static void restoreArray(YArray w, YArray t) {
        List<Object> a = w.toArray();
        List<Object> b = t.toArray();
        int[] ps = commonEnds(jsonOf(a), jsonOf(b));
        int prefix = ps[0];
        int suffix = ps[1];
        if (a.size() - prefix - suffix > 0) w.delete(prefix, a.size() - prefix - suffix);
        if (b.size() - prefix - suffix > 0) {
            List<Object> copies = new ArrayList<>();
            for (Object v : b.subList(prefix, b.size() - suffix)) copies.add(copy(v));
            w.insert(prefix, copies);
        }
    }

    private static void restoreXml(YXmlFragment w, YXmlFragment t) {
        List<Object> a = new ArrayList<>();
        for (int i = 0; i < w.length(); i++) a.add(String.valueOf(w.get(i)));
        List<Object> b = new ArrayList<>();
        for (int i = 0; i < t.length(); i++) b.add(String.valueOf(t.get(i)));
        int[] ps = commonEnds(a, b);
        int prefix = ps[0];
        int suffix = ps[1];
        if (a.size() - prefix - suffix > 0) w.delete(prefix, a.size() - prefix - suffix);
        if (b.size() - prefix - suffix > 0) {
            List<Object> copies = new ArrayList<>();
            for (int i = prefix; i < b.size() - suffix; i++) copies.add(copy(t.get(i)));
            w.insert(prefix, copies);
        }
    }

    private static List<Object> jsonOf(List<Object> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) out.add(DocChanges.json(v));
        return out;
    }

    /** Lengths of the common beginning and end of two lists (not overlapping). */
    private static int[] commonEnds(List<Object> a, List<Object> b) {
        int max = Math.min(a.size(), b.size());
        int prefix = 0;
        while (prefix < max && Objects.equals(a.get(prefix), b.get(prefix))) prefix++;
        int suffix = 0;
        while (suffix < max - prefix && Objects.equals(a.get(a.size() - 1 - suffix), b.get(b.size() - 1 - suffix)))
            suffix++;
        return new int[] {prefix, suffix};
    }

    /** A value to insert into another document: shared types deep-copied (Yjs clone()), plain values as is. */
    private static Object copy(Object v) {
        if (v instanceof YXmlText x) return x.cloneType();
        if (v instanceof YText x) return x.cloneType();
        if (v instanceof YXmlHook x) return x.cloneType();
        if (v instanceof YMap x) return x.cloneType();
        if (v instanceof YArray x) return x.cloneType();
        if (v instanceof YXmlElement x) return x.cloneType();
        if (v instanceof YXmlFragment x) return x.cloneType();
        return v;
    }
}
