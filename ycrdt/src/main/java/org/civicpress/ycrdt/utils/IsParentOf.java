package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.types.AbstractType;

/** isParentOf.js: whether child (an item) lives somewhere below parent. */
public final class IsParentOf {
    private IsParentOf() {}

    public static boolean isParentOf(AbstractType parent, Item child) {
        while (child != null) {
            if (child.parent == parent) {
                return true;
            }
            child = child.parent instanceof AbstractType t ? t._item : null;
        }
        return false;
    }
}
