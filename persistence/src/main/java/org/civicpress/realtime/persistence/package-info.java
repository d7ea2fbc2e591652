/** Journal and snapshot wiring, schema creation, serializers. */
package org.civicpress.realtime.persistence;
