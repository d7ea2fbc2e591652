package org.civicpress.realtime.api;

import java.util.ArrayList;
import java.util.List;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.structs.AbstractContent;
import org.civicpress.ycrdt.structs.ContentDeleted;
import org.civicpress.ycrdt.structs.ContentEmbed;
import org.civicpress.ycrdt.structs.ContentFormat;
import org.civicpress.ycrdt.structs.ContentString;
import org.civicpress.ycrdt.structs.ContentType;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.types.AbstractType;
import org.civicpress.ycrdt.types.YXmlElement;
import org.civicpress.ycrdt.types.YXmlText;
import org.civicpress.ycrdt.utils.Doc;

/**
 * The JSON of a whole document for the CivicPress API. A server never calls {@code getText()} and the
 * like, so its top-level types are untyped and {@code Doc.toJSON()} would print {@code {}} (as Yjs does).
 * This decodes the state into a fresh doc and gives every top-level type its kind from what it holds:
 * keys only = map; a list holding strings/formats/embeds = text; holding XML nodes = XML fragment;
 * anything else = array.
 */
public final class DocumentJson {
    private DocumentJson() {}

    /** {@code encodedState}: one Yjs v1 update holding the whole document (the room snapshot). */
    public static String of(byte[] encodedState) {
        Doc doc = new Doc();
        Y.applyUpdate(doc, encodedState);
        List<String> names = new ArrayList<>(doc.share.keySet());
        for (String name : names) {
            AbstractType type = doc.share.get(name);
            if (type.getClass() != AbstractType.class) continue;
            switch (kindOf(type)) {
                case TEXT -> doc.getText(name);
                case XML -> doc.getXmlFragment(name);
                case ARRAY -> doc.getArray(name);
                case MAP -> doc.getMap(name);
            }
        }
        return doc.toJSONString();
    }

    private enum Kind { TEXT, XML, ARRAY, MAP }

    private static Kind kindOf(AbstractType type) {
        if (type._start == null) return type._map.isEmpty() ? Kind.TEXT : Kind.MAP;
        for (Item item = type._start; item != null; item = item.right) {
            AbstractContent content = item.content;
            if (content instanceof ContentDeleted) continue;
            if (content instanceof ContentString || content instanceof ContentFormat || content instanceof ContentEmbed) {
                return Kind.TEXT;
            }
            if (content instanceof ContentType t) {
                return t.type instanceof YXmlElement || t.type instanceof YXmlText ? Kind.XML : Kind.ARRAY;
            }
            return Kind.ARRAY;
        }
        return Kind.TEXT; // everything deleted: an empty text and an empty array both print as empty
    }
}
