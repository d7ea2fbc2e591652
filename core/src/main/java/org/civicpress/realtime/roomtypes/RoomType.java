package org.civicpress.realtime.roomtypes;

import java.util.Map;

/**
 * What kind of room a room id names, and the rules its room actor applies. The room actor stays the
 * same for every type (journal, group commit, awareness relay, hooks); a type only decides:
 * <ul>
 *   <li>{@link #journaled()}: whether the room holds a durable Yjs document. A non-journaled room
 *   relays awareness only: it answers a client's SyncStep1 with an empty SyncStep2 (so y-websocket
 *   clients reach "synced"), never sends its own SyncStep1 and drops Yjs updates without closing the
 *   connection (a y-websocket client sends its local updates whatever the room is for).</li>
 *   <li>{@link #checkUpdate}: whether a client may write a given Yjs update (journaled rooms only).</li>
 *   <li>{@link #loadsInitialContent()}: whether a brand-new room asks the CivicPress API for its
 *   initial content.</li>
 *   <li>{@link #hookData}: extra data added to every hook event of the room (the hook event's
 *   {@code roomType} is always {@link #name()}).</li>
 * </ul>
 *
 * <h2>Adding a type</h2>
 * Implement this interface (usually a small record or enum; it is shared by every room of the type
 * and called from room actors, so it must be immutable or thread-safe and must not block), then map
 * room ids to it in the registry given to {@code Room.init}:
 * <pre>{@code
 * RoomTypes types = RoomTypes.builder()
 *         .prefix("announcements:", new Announcements())   // first match wins
 *         .prefix("presence:", RoomTypes.PRESENCE)
 *         .build();                                         // everything else: RoomTypes.DOCUMENT
 * Room.init(system, settings, RoomServices.defaults(hooks).withRoomTypes(types));
 * }</pre>
 * The test type {@code AnnouncementsRoomType} (core tests) is a complete example: a read-only
 * document whose content comes from the API and whose client updates are refused with 4403.
 */
public interface RoomType {

    /** Short lowercase name, reported as {@code roomType} in hook events and logs. */
    String name();

    /** True: a durable Yjs document (event-sourced). False: awareness only, nothing is journaled. */
    boolean journaled();

    /**
     * Called before a client's Yjs update (SyncStep2 or Update) is applied. Default: accept.
     *
     * @param roomId the room
     * @param userId the authenticated user of the connection, null when anonymous
     * @param update the Yjs v1 update bytes as the client sent them
     */
    default UpdateCheck checkUpdate(String roomId, String userId, byte[] update) {
        return UpdateCheck.ACCEPT;
    }

    /** Whether a room of this type with an empty journal loads its initial content from the API. */
    default boolean loadsInitialContent() {
        return journaled();
    }

    /** Extra data merged into every hook event of a room of this type. Default: none. */
    default Map<String, Object> hookData(String roomId) {
        return Map.of();
    }
}
