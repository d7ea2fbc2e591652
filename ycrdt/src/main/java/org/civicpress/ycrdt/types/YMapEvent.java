package org.civicpress.ycrdt.types;

import java.util.Set;
import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.YEvent;

/** Event of a YMap: `keys()` tells add/update/delete per changed key. */
public class YMapEvent extends YEvent {
    /** Keys changed in the transaction (may include keys whose change cancelled out). */
    public final Set<String> keysChanged;

    public YMapEvent(YMap target, Transaction transaction, Set<String> subs) {
        super(target, transaction);
        this.keysChanged = subs;
    }
}
