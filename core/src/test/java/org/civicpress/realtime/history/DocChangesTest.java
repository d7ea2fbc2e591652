package org.civicpress.realtime.history;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

class DocChangesTest {

    @Test
    void summarizesEachUpdateAndDiffsTwoPoints() {
        Doc live = new Doc(DocOptions.defaults().withClientId(7));
        List<byte[]> updates = new ArrayList<>();
        live.onUpdate((u, o, tr) -> updates.add(u));
        live.getText("t").insert(0, "hello world");
        live.getMap("m").set("a", 1L);
        live.transact(tr -> {
            live.getText("t").delete(0, 6);
            live.getText("t").insert(5, "!");
            live.getMap("m").delete("a");
            live.getMap("m").set("b", "x");
        });

        Doc replay = AsOf.rebuild(null, List.of());
        assertEquals(
                Map.of("t", Map.of("type", "text", "charactersInserted", 11L, "charactersDeleted", 0L)),
                DocChanges.summarize(replay, updates.get(0)));
        assertEquals(
                Map.of("m", Map.of("type", "map", "keysSet", List.of("a"), "keysRemoved", List.of())),
                DocChanges.summarize(replay, updates.get(1)));
        Map<String, Object> third = DocChanges.summarize(replay, updates.get(2));
        assertEquals(Map.of("type", "text", "charactersInserted", 1L, "charactersDeleted", 6L), third.get("t"));
        assertEquals(Map.of("type", "map", "keysSet", List.of("b"), "keysRemoved", List.of("a")), third.get("m"));

        Doc from = AsOf.rebuild(null, updates.subList(0, 2));
        Doc to = AsOf.rebuild(null, updates);
        Map<String, Object> diff = DocChanges.diff(from, to);
        assertEquals(
                List.of(Map.of("delete", "hello "), Map.of("retain", 5L), Map.of("insert", "!")),
                ((Map<?, ?>) diff.get("t")).get("delta"));
        Map<?, ?> keys = (Map<?, ?>) ((Map<?, ?>) diff.get("m")).get("keys");
        assertEquals(Map.of("action", "delete", "oldValue", 1L), keys.get("a"));
        assertEquals(Map.of("action", "add", "newValue", "x"), keys.get("b"));
        assertEquals(Y.encodeStateVector(to).length, Y.encodeStateVector(from).length, "from became to");
    }
}
