package org.civicpress.realtime.room;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.civicpress.realtime.api.DocumentJson;
import org.civicpress.realtime.errors.CloseCodes;

/**
 * Admin view of the rooms: which are live on this node or in the cluster, what one holds, and closing one.
 * Needs {@link Room#init} on this ActorSystem. Every answer is a plain record; the futures fail with the ask's
 * timeout when sharding or the room does not answer in time.
 */
public final class RoomManager {

    /** The rooms live on this node (ids, sorted); {@code failedShards}: shards that did not answer. */
    public record NodeRooms(String node, List<String> roomIds, Set<String> failedShards) {}

    /**
     * Live rooms per node address of the cluster (sharding reports counts, not ids, for other nodes), and where
     * each shard lives: {@code shardsPerNode} node address to shard id to its live rooms.
     */
    public record ClusterRooms(
            Map<String, Integer> roomsPerNode,
            int total,
            Set<String> failedShards,
            Map<String, Map<String, Integer>> shardsPerNode) {}

    /** One room as it is now; {@code documentJson} null for a room type without a document. */
    public record RoomDetails(
            String roomId,
            String roomType,
            List<Room.MemberInfo> members,
            long sequenceNr,
            long updatesSinceSnapshot,
            long lastSnapshotSequenceNr,
            String documentJson) {}

    /** A closed room and how many connections it closed. */
    public record ClosedRoom(String roomId, int connectionsClosed) {}

    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final Duration timeout;

    /** {@code timeout}: how long each question waits for sharding or the room. */
    public RoomManager(ActorSystem<?> system, Duration timeout) {
        this.system = system;
        this.sharding = ClusterSharding.get(system);
        this.timeout = timeout;
    }

    /** The rooms whose incarnation lives on this node. */
    public CompletionStage<NodeRooms> roomsOnThisNode() {
        CompletionStage<ShardRegion.CurrentShardRegionState> state =
                AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                        sharding.shardState(),
                        replyTo -> new GetShardRegionState(Room.TYPE_KEY, replyTo),
                        timeout,
                        system.scheduler());
        return state.thenApply(s -> {
            List<String> ids = new ArrayList<>();
            for (ShardRegion.ShardState shard : s.getShards()) ids.addAll(shard.getEntityIds());
            Collections.sort(ids);
            return new NodeRooms(system.address().toString(), List.copyOf(ids), Set.copyOf(s.getFailed()));
        });
    }

    /** How many rooms live on each node of the cluster. */
    public CompletionStage<ClusterRooms> roomsInCluster() {
        CompletionStage<ShardRegion.ClusterShardingStats> stats =
                AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                        sharding.shardState(),
                        replyTo -> new GetClusterShardingStats(Room.TYPE_KEY, timeout, replyTo),
                        timeout.plus(timeout),
                        system.scheduler());
        return stats.thenApply(s -> {
            Map<String, Integer> perNode = new TreeMap<>();
            Map<String, Map<String, Integer>> shards = new TreeMap<>();
            Set<String> failed = new java.util.HashSet<>();
            int total = 0;
            for (var region : s.getRegions().entrySet()) {
                int rooms = 0;
                Map<String, Integer> shardRooms = new TreeMap<>();
                for (var shard : region.getValue().getStats().entrySet()) {
                    int count = ((Number) shard.getValue()).intValue();
                    shardRooms.put(String.valueOf(shard.getKey()), count);
                    rooms += count;
                }
                perNode.put(region.getKey().toString(), rooms);
                shards.put(region.getKey().toString(), Collections.unmodifiableMap(shardRooms));
                total += rooms;
                failed.addAll(region.getValue().getFailed());
            }
            // sorted maps, kept sorted: the admin API lists nodes and shards in a stable order
            return new ClusterRooms(
                    Collections.unmodifiableMap(perNode),
                    total,
                    Set.copyOf(failed),
                    Collections.unmodifiableMap(shards));
        });
    }

    /**
     * What one room holds, answered once its journal holds everything its doc holds. A room that is not
     * live is started for this (recovered from its journal) and passivates after the cleanup timeout.
     */
    public CompletionStage<RoomDetails> inspect(String roomId) {
        CompletionStage<Room.Inspection> inspection =
                sharding.entityRefFor(Room.TYPE_KEY, roomId).ask(Room.Inspect::new, timeout);
        // the JSON is built off the room (and off the thread that completes the ask)
        return inspection.thenApplyAsync(
                i -> new RoomDetails(
                        i.roomId(),
                        i.roomType(),
                        List.copyOf(i.members()),
                        i.sequenceNr(),
                        i.updatesSinceSnapshot(),
                        i.lastSnapshotSequenceNr(),
                        i.encodedState() == null ? null : DocumentJson.of(i.encodedState())),
                system.executionContext());
    }

    /**
     * Closes every connection of the room with {@code code} (1000 normal closure or 1012 service restart: clients
     * reconnect either way) and passivates it (final snapshot included).
     */
    public CompletionStage<ClosedRoom> close(String roomId, CloseCodes code, String reason) {
        if (code != CloseCodes.NORMAL && code != CloseCodes.SERVICE_RESTART) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("a room is closed with 1000 or 1012, not " + code.code()));
        }
        return sharding.entityRefFor(Room.TYPE_KEY, roomId)
                .<Room.Closed>ask(replyTo -> new Room.Close(code.code(), reason, replyTo), timeout)
                .thenApply(closed -> new ClosedRoom(roomId, closed.connectionsClosed()));
    }
}
