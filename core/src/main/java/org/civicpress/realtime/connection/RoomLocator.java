package org.civicpress.realtime.connection;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.civicpress.realtime.room.Room;

/** Finds the room a connection joins: cluster sharding in production, a plain actor in tests. */
@FunctionalInterface
public interface RoomLocator {

    RecipientRef<Room.Command> locate(String roomId);

    static RoomLocator sharding(ActorSystem<?> system) {
        ClusterSharding sharding = ClusterSharding.get(system);
        return roomId -> sharding.entityRefFor(Room.TYPE_KEY, roomId);
    }
}
