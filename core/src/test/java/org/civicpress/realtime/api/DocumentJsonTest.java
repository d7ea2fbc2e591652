package org.civicpress.realtime.api;

import static org.junit.jupiter.api.Assertions.*;

import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.types.YXmlElement;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;

class DocumentJsonTest {
    @Test
    void untypedTopLevelTypesGetTheirKindFromWhatTheyHold() {
        Doc typed = new Doc();
        typed.getText("content").insert(0, "Minutes");
        typed.getMap("meta").set("status", "draft");
        typed.getArray("tags").push("parks", "budget");
        typed.getXmlFragment("prosemirror").push(new YXmlElement("paragraph"));
        typed.getText("emptied").insert(0, "x");
        typed.getText("emptied").delete(0, 1);
        byte[] state = Y.encodeStateAsUpdate(typed);

        Doc server = new Doc();
        Y.applyUpdate(server, state);
        assertEquals("{}", server.toJSONString(), "what a server doc prints without help (like Yjs)");
        assertEquals(typed.toJSONString(), DocumentJson.of(state));
    }
}
