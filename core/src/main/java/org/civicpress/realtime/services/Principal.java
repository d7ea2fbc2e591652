package org.civicpress.realtime.services;

import java.util.Objects;

/** Who a connection acts as. {@code anonymous} users get a generated id per connection. */
public record Principal(String userId, boolean anonymous, boolean service) {
    public Principal {
        Objects.requireNonNull(userId, "userId");
    }

    public static Principal anonymous(String connectionId) {
        return new Principal("anonymous:" + connectionId, true, false);
    }
}
