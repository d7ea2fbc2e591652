package org.civicpress.ycrdt.types;

import java.util.Set;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.YEvent;

/** Event of an XML fragment/element: child list and/or attribute changes. */
public class YXmlEvent extends YEvent {
    public final boolean childListChanged;
    public final Set<String> attributesChanged = new java.util.LinkedHashSet<>();

    public YXmlEvent(AbstractType target, Set<String> subs, Transaction transaction) {
        super(target, transaction);
        boolean childList = false;
        for (String sub : subs) {
            if (sub == null) {
                childList = true;
            } else {
                attributesChanged.add(sub);
            }
        }
        this.childListChanged = childList;
    }
}
