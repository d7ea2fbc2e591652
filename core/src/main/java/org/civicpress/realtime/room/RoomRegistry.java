package org.civicpress.realtime.room;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Node-local count of live room incarnations (one per ActorSystem), enforcing
 * {@link RoomSettings#maxRoomsPerNode()}.
 */
public final class RoomRegistry implements Extension {
    private static final Id ID = new Id();

    private final AtomicInteger live = new AtomicInteger();

    public static RoomRegistry get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** Takes a slot unless {@code max} rooms are already live. */
    public boolean tryAcquire(int max) {
        while (true) {
            int n = live.get();
            if (n >= max) return false;
            if (live.compareAndSet(n, n + 1)) return true;
        }
    }

    public void release() {
        live.decrementAndGet();
    }

    public int liveRooms() {
        return live.get();
    }

    private static final class Id extends ExtensionId<RoomRegistry> {
        @Override
        public RoomRegistry createExtension(ActorSystem<?> system) {
            return new RoomRegistry();
        }
    }
}
