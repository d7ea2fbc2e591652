package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.Map;
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
import org.civicpress.ycrdt.types.YXmlHook;
import org.civicpress.ycrdt.types.YXmlText;

/**
 * Types the top-level types of a document that only applied updates. Such a document knows each
 * top-level type's name but not its kind (the update format does not carry it), so
 * {@link Doc#toJSON()} leaves them out, as Yjs does. A program that never calls {@code getText()}
 * and the like (a server, an operator tool) types each by what it holds, as the editor that wrote
 * it would have with {@code getText}/{@code getXmlFragment}/{@code getArray}/{@code getMap}.
 * Not part of Yjs: the one place where this guess is made, so every printout of a document agrees.
 *
 * <p>The rule, first match wins:
 * <ol>
 *   <li>live list content: a string, format or embed makes a text; only XML nodes an XML fragment;
 *       anything else an array;
 *   <li>a live map entry makes a map;
 *   <li>deleted list content that still has its content (a doc with gc off) decides as in 1;
 *   <li>a deleted map entry makes a map: an emptied map prints {@code {}}, as {@code getMap(name)}
 *       then {@code toJSON()} prints in Yjs;
 *   <li>list items whose content was garbage-collected: a text (prints {@code ""}; the kind is gone,
 *       and a text is what editors mostly share);
 *   <li>no item at all: stays untyped.
 * </ol>
 */
public final class TopLevelTypes {
    private TopLevelTypes() {}

    /** What a top-level type is inferred to be. */
    public enum Kind {
        TEXT,
        XML_FRAGMENT,
        ARRAY,
        MAP,
        NONE
    }

    /**
     * Types every untyped top-level type of {@code doc} by {@link #kindOf}; typed ones are kept.
     * Afterwards {@link Doc#toJSON()} prints them all.
     */
    public static void inferAll(Doc doc) {
        for (Map.Entry<String, AbstractType> e : new ArrayList<>(doc.share.entrySet())) {
            if (e.getValue().getClass() != AbstractType.class) {
                continue; // already typed
            }
            switch (kindOf(e.getValue())) {
                case TEXT -> doc.getText(e.getKey());
                case XML_FRAGMENT -> doc.getXmlFragment(e.getKey());
                case ARRAY -> doc.getArray(e.getKey());
                case MAP -> doc.getMap(e.getKey());
                case NONE -> {}
            }
        }
    }

    /**
     * The JSON of a whole document given as one V1 update (e.g. {@code encodeStateAsUpdate}), with
     * its top-level types typed by {@link #inferAll}.
     */
    public static String typedJson(byte[] update) {
        Doc doc = new Doc();
        Y.applyUpdate(doc, update);
        inferAll(doc);
        return doc.toJSONString();
    }

    /** The kind of a top-level type by what it holds (see the class comment for the rule). */
    public static Kind kindOf(AbstractType type) {
        Kind live = listKind(type, false);
        if (live != Kind.NONE) {
            return live;
        }
        boolean anyMapEntry = false;
        for (Item v : type._map.values()) {
            if (!v.deleted()) {
                return Kind.MAP;
            }
            anyMapEntry = true;
        }
        Kind deleted = listKind(type, true);
        if (deleted != Kind.NONE) {
            return deleted;
        }
        if (anyMapEntry) {
            return Kind.MAP;
        }
        return type._start != null ? Kind.TEXT : Kind.NONE;
    }

    /** The kind list content gives: live items only, or (deleted) deleted items that kept their content. */
    private static Kind listKind(AbstractType type, boolean deleted) {
        Kind kind = Kind.NONE;
        for (Item n = type._start; n != null; n = n.right) {
            AbstractContent c = n.content;
            if (n.deleted() != deleted || c instanceof ContentDeleted) {
                continue;
            }
            if (c instanceof ContentString || c instanceof ContentFormat || c instanceof ContentEmbed) {
                return Kind.TEXT;
            }
            boolean xmlNode = c instanceof ContentType ct
                    && (ct.type instanceof YXmlElement || ct.type instanceof YXmlText || ct.type instanceof YXmlHook);
            if (!xmlNode) {
                kind = Kind.ARRAY; // an XML fragment holds only XML nodes; a text may still follow
            } else if (kind == Kind.NONE) {
                kind = Kind.XML_FRAGMENT;
            }
        }
        return kind;
    }
}
