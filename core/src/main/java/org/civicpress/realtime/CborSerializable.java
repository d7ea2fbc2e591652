package org.civicpress.realtime;

/**
 * Marker for messages that may cross cluster nodes (room commands, room-to-connection messages).
 * {@code serialization.conf} binds it to Pekko's Jackson CBOR serializer. Journal events and
 * snapshots do NOT use it: they have their own binary serializer (RoomEventSerializer).
 */
public interface CborSerializable {}
