package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoomIdsTest {
    @Test
    void acceptsCivicPressStyleIds() {
        assertTrue(RoomIds.isValid("bylaw:2024-017.draft"));
        assertTrue(RoomIds.isValid("a"));
        assertTrue(RoomIds.isValid("x".repeat(256)));
    }

    @Test
    void rejectsEmptyLongAndUnsafeIds() {
        assertFalse(RoomIds.isValid(null));
        assertFalse(RoomIds.isValid(""));
        assertFalse(RoomIds.isValid("x".repeat(257)));
        assertFalse(RoomIds.isValid("a/b"));
        assertFalse(RoomIds.isValid("a b"));
        assertFalse(RoomIds.isValid("é"));
        assertFalse(RoomIds.isValid("room|1"));
    }
}
