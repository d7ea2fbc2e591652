package org.civicpress.realtime.roomtypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Maps room ids to {@link RoomType}s: an ordered list of (pattern, type), first match wins, anything
 * unmatched is a {@link #DOCUMENT}. Immutable.
 *
 * <p>Default mapping ({@link #defaults()}): ids starting with {@code presence:} are {@link #PRESENCE}
 * rooms, every other id is a {@link #DOCUMENT}.
 */
public final class RoomTypes {
    public static final RoomType DOCUMENT = new DocumentRoomType();
    public static final RoomType PRESENCE = new PresenceRoomType();

    private record Rule(Pattern idPattern, RoomType type) {}

    private static final RoomTypes DEFAULTS =
            builder().prefix("presence:", PRESENCE).build();

    private final List<Rule> rules;
    private final RoomType fallback;

    private RoomTypes(List<Rule> rules, RoomType fallback) {
        this.rules = List.copyOf(rules);
        this.fallback = fallback;
    }

    public static RoomTypes defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The type of {@code roomId}: the first rule whose pattern matches the whole id, else the fallback. */
    public RoomType forRoom(String roomId) {
        for (Rule r : rules) {
            if (r.idPattern().matcher(roomId).matches()) return r.type();
        }
        return fallback;
    }

    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private RoomType fallback = DOCUMENT;

        private Builder() {}

        /** Rooms whose whole id matches {@code regex}. */
        public Builder matching(String regex, RoomType type) {
            rules.add(new Rule(Pattern.compile(regex), Objects.requireNonNull(type, "type")));
            return this;
        }

        /** Rooms whose id starts with {@code prefix}. */
        public Builder prefix(String prefix, RoomType type) {
            return matching(Pattern.quote(prefix) + ".*", type);
        }

        /** The type of ids no rule matches (default {@link #DOCUMENT}). */
        public Builder otherwise(RoomType type) {
            this.fallback = Objects.requireNonNull(type, "type");
            return this;
        }

        public RoomTypes build() {
            return new RoomTypes(rules, fallback);
        }
    }
}
