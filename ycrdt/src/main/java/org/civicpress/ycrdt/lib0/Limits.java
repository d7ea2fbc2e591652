package org.civicpress.ycrdt.lib0;

/** Bounds shared by the decoders so that any input costs bounded time and memory. */
public final class Limits {
    /** JavaScript's Number.MAX_SAFE_INTEGER: every number in a Yjs update must fit in it. */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    /** Maximum nesting of Any / JSON values; deeper input is rejected rather than risking the stack. */
    public static final int MAX_DEPTH = 1000;

    private Limits() {}
}
