package org.civicpress.realtime.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.civicpress.realtime.room.Room;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's graceful leave (SIGTERM, rolling restart) as CoordinatedShutdown tasks, in this order:
 * <ol>
 *   <li>stop accepting (before-service-unbind, service-unbind): not ready, HTTP listener unbound. Open
 *   WebSockets stay open and keep editing;</li>
 *   <li>drain and hand off (cluster-sharding-shutdown-region, Pekko's task): every room of this node finishes
 *   its journal writes, takes its final snapshot and stops, its shard moves to another node. Logged when the
 *   shard region has stopped ("hand-off complete");</li>
 *   <li>reconnect ({@value #RECONNECT_PHASE}, our phase between the hand-off and cluster-leave, see
 *   application.conf): 1012 to every open socket, up to 5 s for clients to close. Only now: a client told to
 *   reconnect earlier could find its room still here. Connections whose room stopped meanwhile wait for
 *   this (ClientConnection);</li>
 *   <li>leave (cluster-leave and on, Pekko's tasks), actor system terminate.</li>
 * </ol>
 */
final class GracefulLeave {
    private static final Logger log = LoggerFactory.getLogger(GracefulLeave.class);
    static final String RECONNECT_PHASE = "realtime-reconnect-clients";
    private static final Duration SOCKETS_CLOSE_WITHIN = Duration.ofSeconds(5);

    private GracefulLeave() {}

    /**
     * Call once sharding is initialized and the listener is bound. (A shutdown before that, during the start,
     * needs none of this: no room and no WebSocket exist yet, and terminating the actor system closes the port.)
     */
    static void register(ActorSystem<?> system, ServerBinding binding, OpenSockets sockets, ServerState state) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "not-ready", () -> {
            state.markStopping();
            log.info(
                    "Shutdown (stop accepting): not ready; {} open WebSockets stay open until their rooms have moved",
                    sockets.size());
            return done();
        });
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "unbind-websockets", () -> binding.unbind()
                .thenApply(unbound -> {
                    log.info("Shutdown (stop accepting): HTTP listener unbound, no new WebSockets");
                    return Done.getInstance();
                }));

        CompletableFuture<Void> regionStopped = watchRoomRegion(system);
        long[] handOffStarted = new long[1];
        shutdown.addTask(CoordinatedShutdown.PhaseClusterShardingShutdownRegion(), "await-room-hand-off", () -> {
            handOffStarted[0] = System.nanoTime();
            Cluster cluster = Cluster.get(Adapter.toClassic(system));
            if (cluster.isTerminated() || cluster.selfMember().status() == MemberStatus.down()) {
                // Pekko skips the hand-off of a downed node: the others start its rooms after the SBR's decision.
                log.info("Shutdown: this node was downed, its rooms are not handed off");
                return done();
            }
            return regionStopped.thenApply(stopped -> {
                log.info(
                        "Shutdown (hand-off complete): room shard region stopped {} ms after the hand-off began; "
                                + "every room of this node has moved",
                        (System.nanoTime() - handOffStarted[0]) / 1_000_000);
                return Done.getInstance();
            });
        });
        shutdown.addTask(RECONNECT_PHASE, "reconnect-clients", () -> {
            if (!regionStopped.isDone()) {
                log.warn("Shutdown: the room hand-off did not complete within its phase timeout; "
                        + "asking clients to reconnect anyway");
            }
            int asked = sockets.closeAllForRestart();
            log.info("Shutdown (reconnect): asked {} WebSocket clients to reconnect (1012)", asked);
            return awaitSocketsClosed(sockets)
                    // whatever is left (plain HTTP keep-alive, a client that never answered the close)
                    .thenCompose(allClosed -> binding.terminate(Duration.ofSeconds(1)))
                    .thenApply(terminated -> Done.getInstance());
        });
    }

    /** Completes when the local room shard region stops: all its shards were handed off. */
    private static CompletableFuture<Void> watchRoomRegion(ActorSystem<?> system) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        var region =
                Adapter.toTyped(ClusterSharding.get(Adapter.toClassic(system)).shardRegion(Room.TYPE_KEY.name()));
        system.systemActorOf(
                Behaviors.<Void>setup(ctx -> {
                    ctx.watch(region);
                    return Behaviors.receive(Void.class)
                            .onSignal(Terminated.class, terminated -> {
                                stopped.complete(null);
                                return Behaviors.stopped();
                            })
                            .build();
                }),
                "room-region-watch",
                Props.empty());
        return stopped;
    }

    private static CompletionStage<Boolean> awaitSocketsClosed(OpenSockets sockets) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            long deadline = started + SOCKETS_CLOSE_WITHIN.toNanos();
            while (sockets.size() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            log.info(
                    "Shutdown (reconnect): {} WebSockets still open after {} ms",
                    sockets.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return sockets.size() == 0;
        });
    }

    private static CompletionStage<Done> done() {
        return CompletableFuture.completedFuture(Done.getInstance());
    }
}
