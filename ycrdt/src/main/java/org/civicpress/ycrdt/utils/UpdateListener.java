package org.civicpress.ycrdt.utils;

/** Called after a transaction that changed the document, with the transaction's update. */
@FunctionalInterface
public interface UpdateListener {
    void onUpdate(byte[] update, Object origin, Transaction transaction);
}
