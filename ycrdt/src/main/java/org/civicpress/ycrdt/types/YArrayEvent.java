package org.civicpress.ycrdt.types;

import org.civicpress.ycrdt.utils.Transaction;
import org.civicpress.ycrdt.utils.YEvent;

/** Event of a YArray: `delta()` lists inserts/retains/deletes (computed by YEvent). */
public class YArrayEvent extends YEvent {
    public YArrayEvent(YArray target, Transaction transaction) {
        super(target, transaction);
    }
}
