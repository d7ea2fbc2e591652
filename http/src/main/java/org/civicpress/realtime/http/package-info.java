/** Pekko HTTP server, WebSocket flows, the main class. */
package org.civicpress.realtime.http;
