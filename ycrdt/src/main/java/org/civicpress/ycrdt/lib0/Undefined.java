package org.civicpress.ycrdt.lib0;

/** The JavaScript {@code undefined} value as it travels through lib0's Any encoding (type 127). */
public final class Undefined {
    public static final Undefined INSTANCE = new Undefined();

    private Undefined() {}

    @Override
    public String toString() {
        return "undefined";
    }
}
