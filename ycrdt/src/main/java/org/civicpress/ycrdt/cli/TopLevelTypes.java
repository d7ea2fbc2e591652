package org.civicpress.ycrdt.cli;

import java.util.ArrayList;
import java.util.Map;
import org.civicpress.ycrdt.structs.AbstractContent;
import org.civicpress.ycrdt.structs.ContentEmbed;
import org.civicpress.ycrdt.structs.ContentFormat;
import org.civicpress.ycrdt.structs.ContentString;
import org.civicpress.ycrdt.structs.ContentType;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.types.YXmlElement;
import org.civicpress.ycrdt.types.YXmlHook;
import org.civicpress.ycrdt.types.YXmlText;
import org.civicpress.ycrdt.utils.Doc;

/**
 * A document loaded from stored updates has untyped top-level types (the names are known, the
 * kinds are not), which Yjs's toJSON leaves out. For an operator we type each one by what it
 * holds: strings, formats or embeds make a text; XML nodes an XML fragment; other list content an
 * array; keys only a map. Types with no live content stay untyped.
 */
final class TopLevelTypes {
  private TopLevelTypes() {}

  static void inferAll(Doc doc) {
    for (Map.Entry<String, AbstractType> e : new ArrayList<>(doc.share.entrySet())) {
      if (e.getValue().getClass() != AbstractType.class) {
        continue; // already typed
      }
      switch (kindOf(e.getValue())) {
        case "text" -> doc.getText(e.getKey());
        case "xml" -> doc.getXmlFragment(e.getKey());
        case "array" -> doc.getArray(e.getKey());
        case "map" -> doc.getMap(e.getKey());
        default -> { }
      }
    }
  }

  static String kindOf(AbstractType type) {
    String kind = null;
    for (Item n = type._start; n != null; n = n.right) {
      if (n.deleted()) {
        continue;
      }
      AbstractContent c = n.content;
      if (c instanceof ContentString || c instanceof ContentFormat || c instanceof ContentEmbed) {
        return "text";
      }
      if (c instanceof ContentType ct
          && (ct.type instanceof YXmlElement || ct.type instanceof YXmlText || ct.type instanceof YXmlHook)) {
        kind = "xml";
      } else if (kind == null) {
        kind = "array";
      }
    }
    if (kind != null) {
      return kind;
    }
    for (Item v : type._map.values()) {
      if (!v.deleted()) {
        return "map";
      }
    }
    return "none";
  }
}
