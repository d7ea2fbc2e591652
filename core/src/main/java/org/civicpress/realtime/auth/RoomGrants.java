package org.civicpress.realtime.auth;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code rooms} claim: room-id patterns to {@code "read"} or {@code "write"}. A pattern is an exact room
 * id, or a prefix ending in {@code *} ({@code "*"} alone matches every room). The most specific matching
 * pattern wins: an exact id beats any prefix, a longer prefix beats a shorter one; so
 * {@code {"doc-*":"write","doc-7":"read"}} makes doc-7 read-only. No matching pattern means no access.
 */
public record RoomGrants(Map<String, RoomAccess> patterns) {
    /** Longest patterns first so that {@link #accessTo} can stop at the first match; exact before prefix. */
    private static final Comparator<String> SPECIFIC_FIRST = Comparator.comparingInt(
                    (String p) -> p.endsWith("*") ? p.length() - 1 : Integer.MAX_VALUE)
            .reversed()
            .thenComparing(Comparator.naturalOrder());

    /** No room at all (a token without a {@code rooms} claim). */
    public static final RoomGrants NONE = new RoomGrants(Map.of());
    /** Write access to every room (the anonymous principal of the development default, the service token). */
    public static final RoomGrants ALL_WRITE = new RoomGrants(Map.of("*", RoomAccess.WRITE));

    public RoomGrants {
        Map<String, RoomAccess> sorted = new LinkedHashMap<>();
        for (String k : patterns.keySet().stream().sorted(SPECIFIC_FIRST).toList()) {
            sorted.put(k, java.util.Objects.requireNonNull(patterns.get(k), "access"));
        }
        patterns = java.util.Collections.unmodifiableMap(sorted);
    }

    /** The access the most specific matching pattern gives, {@link RoomAccess#NONE} when none matches. */
    public RoomAccess accessTo(String roomId) {
        if (roomId == null) return RoomAccess.NONE;
        for (Map.Entry<String, RoomAccess> e : patterns.entrySet()) {
            String p = e.getKey();
            boolean match = p.endsWith("*") ? roomId.startsWith(p.substring(0, p.length() - 1)) : roomId.equals(p);
            if (match) return e.getValue();
        }
        return RoomAccess.NONE;
    }

    /**
     * Reads the claim value (a JSON object as a Map). Null means no claim, so no access.
     *
     * @throws IllegalArgumentException with a client-safe reason when the claim has the wrong shape
     *         (a malformed claim refuses the token rather than guessing what it meant)
     */
    public static RoomGrants fromClaim(Object claim) {
        if (claim == null) return NONE;
        if (!(claim instanceof Map<?, ?> map)) throw new IllegalArgumentException("the rooms claim must be an object");
        if (map.size() > 1000) throw new IllegalArgumentException("the rooms claim has more than 1000 patterns");
        Map<String, RoomAccess> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String pattern) || pattern.isEmpty()) {
                throw new IllegalArgumentException("the rooms claim has an empty pattern");
            }
            if (pattern.indexOf('*') >= 0 && pattern.indexOf('*') != pattern.length() - 1) {
                throw new IllegalArgumentException("a rooms pattern may only end in '*'");
            }
            RoomAccess access;
            if ("read".equals(e.getValue())) access = RoomAccess.READ;
            else if ("write".equals(e.getValue())) access = RoomAccess.WRITE;
            else throw new IllegalArgumentException("rooms values must be \"read\" or \"write\"");
            out.put(pattern, access);
        }
        return new RoomGrants(out);
    }
}
