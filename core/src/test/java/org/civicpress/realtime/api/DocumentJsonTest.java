package org.civicpress.realtime.api;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.cli.Ydoc;
import org.civicpress.ycrdt.types.YArray;
import org.civicpress.ycrdt.types.YMap;
import org.civicpress.ycrdt.types.YXmlElement;
import org.civicpress.ycrdt.types.YXmlText;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentJsonTest {
    @TempDir
    Path dir;

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

    @Test
    void theApiPushAndTheYdocCliPrintTheSameJson() throws Exception {
        Doc typed = new Doc();
        typed.getText("content").insert(0, "Minutes of the meeting");
        typed.getText("content").delete(0, 11);
        typed.getMap("emptiedMap").set("a", 1);
        typed.getMap("emptiedMap").delete("a");
        typed.getMap("meta").set("gone", "x");
        typed.getMap("meta").set("kept", 2);
        typed.getMap("meta").delete("gone");
        typed.getArray("strings").push("only");
        typed.getArray("mixed").push(new YMap(), new YXmlElement("p"));
        YArray list = typed.getArray("list");
        list.push(1, 2, 3);
        list.delete(1, 1);
        typed.getXmlFragment("xml").push(new YXmlText("hi"));
        typed.getText("gone").insert(0, "abc");
        typed.getText("gone").delete(0, 3);
        byte[] state = Y.encodeStateAsUpdate(typed);

        String api = DocumentJson.of(state);
        assertEquals(typed.toJSONString(), api, "what the editor's own doc prints");
        assertEquals(
                "{\"content\":\"the meeting\",\"emptiedMap\":{},\"meta\":{\"kept\":2},\"strings\":[\"only\"],"
                        + "\"mixed\":[{},\"<p></p>\"],\"list\":[1,3],\"xml\":\"hi\",\"gone\":\"\"}",
                api);

        Path file = Files.write(dir.resolve("state.bin"), state);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Ydoc.run(
                new String[] {"dump", "--json", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        assertEquals(api, out.toString(StandardCharsets.UTF_8).strip());
    }
}
