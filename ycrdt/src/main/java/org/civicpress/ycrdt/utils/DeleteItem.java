package org.civicpress.ycrdt.utils;

/** DeleteSet.js DeleteItem: {@code len} deleted clocks starting at {@code clock}. */
public record DeleteItem(long clock, long len) {}
