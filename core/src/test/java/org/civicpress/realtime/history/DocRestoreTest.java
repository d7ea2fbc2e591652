package org.civicpress.realtime.history;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.types.YMap;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/** The restoring update brings any replica of the current state back to the earlier content, as a new edit. */
class DocRestoreTest {

    @Test
    void restoresTextsMapsArraysAndFormattingAsOneNewEdit() {
        Doc live = new Doc(DocOptions.defaults().withClientId(1));
        List<byte[]> history = new ArrayList<>();
        live.onUpdate((u, o, tr) -> history.add(u));
        live.getText("t").insert(0, "The budget is approved");
        live.getMap("m").set("status", "draft");
        YMap nested = new YMap();
        live.getMap("m").set("owner", nested);
        nested.set("name", "Ann");
        live.getArray("a").push(List.of(1L, 2L, 3L));
        live.getText("rich").insert(0, "bold plain", Map.of("bold", true));
        byte[] earlier = Y.encodeStateAsUpdate(live);
        String earlierJson = AsOf.json(AsOf.rebuild(earlier, List.of()));

        live.getText("t").delete(4, 7);
        live.getText("t").insert(4, "plan");
        live.getMap("m").set("status", "final");
        live.getMap("m").delete("owner");
        live.getMap("m").set("extra", 42L);
        live.getArray("a").delete(1, 1);
        live.getArray("a").push(List.of("x"));
        live.getText("rich").format(0, 4, Map.of("bold", false));
        live.getText("new").insert(0, "added later");

        Doc current = AsOf.rebuild(Y.encodeStateAsUpdate(live), List.of());
        byte[] restore = DocRestore.restoringUpdate(current, AsOf.rebuild(earlier, List.of()));
        assertNotNull(restore);
        // a replica that has everything receives the restore like any edit
        Y.applyUpdate(live, restore);
        Doc replica = AsOf.rebuild(Y.encodeStateAsUpdate(live), List.of());
        Map<?, ?> json = (Map<?, ?>) org.civicpress.ycrdt.lib0.Json.parse(AsOf.json(replica));
        Map<?, ?> expected = (Map<?, ?>) org.civicpress.ycrdt.lib0.Json.parse(earlierJson);
        assertEquals("", json.get("new"), "a type created later is emptied");
        json = new java.util.LinkedHashMap<>(json);
        json.remove("new");
        assertEquals(expected, json);
        assertEquals(
                new Doc().getText("x").toDelta().getClass(),
                live.getText("rich").toDelta().getClass());
        assertEquals(
                AsOf.rebuild(earlier, List.of()).getText("rich").toDelta(),
                live.getText("rich").toDelta(),
                "formatting restored");
        // nothing left to restore
        assertNull(DocRestore.restoringUpdate(
                AsOf.rebuild(Y.encodeStateAsUpdate(live), List.of()),
                AsOf.rebuild(Y.encodeStateAsUpdate(live), List.of())));
        // the journal of the live doc still holds every earlier update: history is not rewritten
        assertTrue(history.size() > 5);
    }
}
