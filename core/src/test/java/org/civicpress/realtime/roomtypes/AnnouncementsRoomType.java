package org.civicpress.realtime.roomtypes;

import java.util.Map;

/**
 * Example of a custom room type: a read-only document. Its content comes from the CivicPress API
 * (initial content) or other server-side writers; any client update is refused with 4403.
 */
public record AnnouncementsRoomType() implements RoomType {
    @Override
    public String name() {
        return "announcements";
    }

    @Override
    public boolean journaled() {
        return true;
    }

    @Override
    public UpdateCheck checkUpdate(String roomId, String userId, byte[] update) {
        return UpdateCheck.forbidden("announcements are read-only");
    }

    @Override
    public Map<String, Object> hookData(String roomId) {
        return Map.of("readOnly", true);
    }
}
