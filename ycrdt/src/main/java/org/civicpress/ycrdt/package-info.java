/** Pure-Java, Yjs-compatible CRDT engine. Knows nothing of Pekko. */
package org.civicpress.ycrdt;
