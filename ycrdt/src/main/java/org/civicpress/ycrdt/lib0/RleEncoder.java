package org.civicpress.ycrdt.lib0;

/**
 * lib0 RleEncoder specialised to uint8 values (the only use in Yjs: info and parentInfo columns).
 * Writes a value, then "repeat count - 1" once the run ends; the last run has no count.
 */
public final class RleEncoder extends Encoder {
    private int s = -1; // lib0 starts with null: no value equals it
    private long count;

    public void write8(int v) {
        if (s == v) {
            count++;
        } else {
            if (count > 0) {
                writeVarUint(count - 1);
            }
            count = 1;
            writeUint8(v);
            s = v;
        }
    }
}
