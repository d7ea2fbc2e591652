/**
 * Where frames go: the socket of a WebSocket ({@link org.civicpress.realtime.delivery.SocketOut}, written from
 * any thread without an actor message per frame) and the per-node {@link org.civicpress.realtime.delivery.NodeRelay}
 * (the node's sockets by connection id, and the actor remote rooms send frames to). Owned by neither rooms nor connections, so that
 * {@code connection} depends on {@code room} (it joins rooms) and {@code room} writes to sockets without
 * knowing the connection actor.
 */
package org.civicpress.realtime.delivery;
