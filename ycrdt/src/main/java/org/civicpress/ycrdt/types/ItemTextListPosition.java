package org.civicpress.ycrdt.types;

import java.util.Map;
import org.civicpress.ycrdt.structs.ContentFormat;
import org.civicpress.ycrdt.structs.Item;

/** A cursor in a YText: the items around it, its index and the attributes active there. */
public final class ItemTextListPosition {
    public Item left;
    public Item right;
    public int index;
    public final Map<String, Object> currentAttributes;

    public ItemTextListPosition(Item left, Item right, int index, Map<String, Object> currentAttributes) {
        this.left = left;
        this.right = right;
        this.index = index;
        this.currentAttributes = currentAttributes;
    }

    /** Moves over `right`. Only call when right is not null. */
    public void forward() {
        if (right == null) {
            throw new IllegalStateException("Unexpected case: forward at end of text");
        }
        if (right.content instanceof ContentFormat cf) {
            if (!right.deleted()) {
                TextAttributes.updateCurrentAttributes(currentAttributes, cf);
            }
        } else if (!right.deleted()) {
            index += right.length;
        }
        left = right;
        right = right.right;
    }
}
