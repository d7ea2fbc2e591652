/**
 * History of a document from its journal, as pure functions on ycrdt documents (no actors, no database):
 * the document as of a point ({@link org.civicpress.realtime.history.AsOf}: snapshot + merged updates), what
 * each update changed and what changed between two points ({@link org.civicpress.realtime.history.DocChanges}:
 * the Yjs events of applying the later state onto the earlier one), and the update that brings a document back
 * to an earlier state ({@link org.civicpress.realtime.history.DocRestore}). Reading the journal lives in the
 * persistence module, the REST surface in http (docs/history.md).
 */
package org.civicpress.realtime.history;
