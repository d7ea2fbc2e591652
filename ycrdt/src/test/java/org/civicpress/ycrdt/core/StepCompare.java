package org.civicpress.ycrdt.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;

/** Debug main (not a test): replays {gc, updates[], states[]} and reports the first state that differs. */
public final class StepCompare {
  private StepCompare() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(Path.of(args[0])));
    boolean v2 = args.length > 1 && args[1].equals("v2");
    Doc doc = new Doc(DocOptions.defaults().withGc((Boolean) m.get("gc")));
    doc.getText("text");
    doc.getMap("map");
    doc.getArray("array");
    doc.getXmlFragment("xml");
    List<Object> ups = (List<Object>) m.get("updates");
    List<Object> states = (List<Object>) m.get("states");
    for (int i = 0; i < ups.size(); i++) {
      byte[] u = Base64.getDecoder().decode((String) ups.get(i));
      if (v2) {
        Y.applyUpdateV2(doc, u, null);
      } else {
        Y.applyUpdate(doc, u);
      }
      String st = Base64.getEncoder().encodeToString(v2 ? Y.encodeStateAsUpdateV2(doc) : Y.encodeStateAsUpdate(doc));
      if (!st.equals(states.get(i))) {
        System.out.println("step " + i + " differs\n update   " + ups.get(i) + "\n expected " + states.get(i) + "\n actual   " + st
            + "\n pending " + doc.hasPending());
        return;
      }
    }
    System.out.println("all " + ups.size() + " steps equal");
  }
}
