/** Rooms, the y-websocket wire protocol, configuration, errors and hooks. Knows nothing of HTTP. */
package org.civicpress.realtime;
