/**
 * Rooms: one collaborative document each, a sharded, event-sourced actor ({@link org.civicpress.realtime.room.Room})
 * holding a ycrdt {@code Doc}. Design note; the code is split along these concerns:
 * {@code Room} (the entity: state, commands, events, init, command handlers, event handler),
 * {@code GroupCommit} (the write in flight, the buffer, answers deferred until the journal caught up),
 * {@code FanOut} (where a member's frames go), {@code SnapshotRetention} (what a snapshot deletes),
 * {@code RoomManager} (admin: list, inspect, close).
 *
 * <h2>Durability</h2>
 * Nothing about an update reaches any client before the journal has it. The room journals and
 * broadcasts <b>the client's own update bytes</b> (not the doc's re-encoded update): they replay to
 * the same doc, they keep updates whose dependencies are missing (pending) durable, and re-using them
 * costs no re-encoding. A client update is validated by applying it to the in-memory doc (ycrdt decodes
 * the whole update before mutating anything, so a bad update throws and leaves the doc unchanged); the
 * event handler skips re-applying the batch it was just handed ({@code appliedAhead}); during recovery
 * it collects the replayed updates and applies them merged ({@code Y.mergeUpdates}, 1,024 at a time and
 * the rest when recovery completes): one transaction instead of one per update, the same document. Each journaled update records who sent it: the user id of the
 * connection's Join (null = anonymous), the connection id ({@code "api"} for initial content from the
 * CivicPress API, {@code "rollback"} for an admin rollback, {@code RestoreTo}) and the server time it reached
 * the room. A rollback is a server-made update computed against the room's own doc ({@code history.DocRestore})
 * and journaled like a client update; the admin's answer waits, like every answer, for the journal.
 * <ul>
 *   <li><b>Group commit</b>: while a write is in flight, further validated updates are buffered; when it
 *   completes, the buffer becomes ONE {@code UpdatesJournaled} event (one journal round trip).</li>
 *   <li><b>Echo = durable ack</b>: after a write completes, the batch is sent (one merged update frame,
 *   encoded once) to every joined connection, the senders included: straight to the sockets in this JVM,
 *   and once per other node to that node's {@code NodeRelay}, which writes to its sockets.</li>
 *   <li><b>Duplicates</b>: an update that changes neither the doc nor what it holds pending is not journaled
 *   (so re-sending an update whose dependencies are missing does not grow the journal);
 *   it is echoed to its sender alone once every write in flight or buffered has completed, so the
 *   original is journaled before the ack.</li>
 *   <li><b>No unjournaled state leaks</b>: the doc runs ahead of the journal by the buffered batch, so
 *   answers derived from the doc (SyncStep2 to a client's SyncStep1, the server's SyncStep1 on join,
 *   duplicate echoes, an admin's inspection) wait until the room is <i>quiescent</i> (no write in flight,
 *   empty buffer). While such an answer waits, new client updates are stashed, so quiescence comes after
 *   at most two writes.</li>
 *   <li>A failed write stops the entity (Pekko's default for persist failures): the un-journaled doc is
 *   discarded with it, nothing of it was acknowledged, and connections re-join a recovered incarnation.</li>
 * </ul>
 *
 * <h2>Snapshots and retention</h2>
 * Snapshot = {@code Y.encodeStateAsUpdate(doc)}. Taken when {@code snapshotEveryUpdates} UPDATES (not
 * events: one event may carry a whole batch) were journaled since the last snapshot, every
 * {@code snapshotInterval} if there were updates since the last one (through a {@code SnapshotRequested}
 * marker event), and when the room stops (final snapshot, same marker). Recovery = snapshot +
 * later events. Whatever triggered it, after a snapshot at sequence number N is saved the previous snapshot P
 * stays and the room deletes every older snapshot and (with {@code deleteEventsOnSnapshot}) every event up to P:
 * two snapshots per room remain, and the journal keeps the events after the older one, so a newest snapshot
 * that cannot be loaded still falls back to P without losing anything.
 *
 * <h2>Other messages</h2>
 * Awareness is relayed at once to the other connections and never journaled; the room keeps the latest
 * state per awareness clientID, answers messageQueryAwareness with all of them, and broadcasts a null
 * state (clock + 1) when the announcing connection leaves or the state is not renewed within
 * {@code awarenessTimeout}. messageAuth is only ever sent by servers and is ignored. An unknown message
 * type, a malformed frame or a Yjs update the engine rejects closes that connection with 4400.
 *
 * <h2>Limits</h2>
 * Before a client update touches the doc, {@code UpdateLimits} checks that it keeps the encoded document under
 * {@code rooms.max_document_bytes} and what waits for missing dependencies under {@code rooms.max_pending_bytes}
 * (a Yjs doc cannot be rolled back, so the check comes first); before an awareness message touches the room's
 * awareness, {@code RoomAwareness} checks the state size and the client ids per connection. Over a limit: the
 * sender is closed with 4429 and the room is unchanged (docs/security.md, "Hostile input and limits").
 *
 * <h2>Connections</h2>
 * The {@code connection} package depends on this one, never the other way round: a connection joins with
 * the ref the room answers to ({@code Room.ToConnection}: {@code Joined}, {@code CloseWith}) and its node's
 * relay (from the {@code delivery} package). When that relay is this node's, the room takes the connection's
 * socket from it (registered there before the join) and writes frames straight into the socket's queue; client
 * messages come straight from the socket's stream ({@code FromClient}), not through the connection actor.
 *
 * <h2>Re-joins</h2>
 * A connection whose room incarnation stopped joins the new one with {@code Join.rejoin()} set. Its
 * y-websocket client will not send a SyncStep1 again, so the room sends it, once quiescent, its own
 * SyncStep1 (the client answers with whatever the room lacks) AND a SyncStep2 holding the whole journaled
 * document (Yjs ignores what the client already has): whatever the old incarnation journaled but did
 * not broadcast before it stopped reaches the client this way.
 *
 * <h2>Room types, metrics, CivicPress API</h2>
 * The {@code RoomType} of the id (see {@code RoomTypes}) decides whether the room journals a document
 * (a {@code presence} room relays awareness only) and which client updates it accepts; hook events
 * carry its name. Rooms feed {@code RealtimeMetrics} (rooms, updates, journal writes, snapshots,
 * rejections). With a {@code DocumentApi}, a journaled room recovered from an EMPTY journal asks it for
 * its initial content (off the actor, piped back) and journals and broadcasts that like a client update;
 * after each snapshot it pushes the snapshotted document (as JSON, built off the actor).
 *
 * <h2>Lifecycle and hooks</h2>
 * A room without joined connections passivates after {@code cleanupTimeout} (sharding's own idle
 * passivation is switched off for rooms in {@code Room.init}). {@code realtime:room:created} is emitted for
 * every incarnation when its recovery completes (data: {@code newDocument}, {@code recoveredSequenceNr})
 * and {@code realtime:room:destroyed} when it stops, so the pair always balances; both are also logged at
 * INFO ("room R incarnation started|stopped: node= seqNr= at="), the lifetimes ClusterIT's single-writer
 * check reads. When the node already runs {@code maxRoomsPerNode} rooms, the new incarnation answers its
 * first Join with 4429 and stops.
 */
package org.civicpress.realtime.room;
