package org.civicpress.realtime.http;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the CoordinatedShutdown phases the server relies on that have no task of ours, so an operator (and
 * SigtermDurabilityIT, ClusterIT) can read the graceful leave from the log in order: stop accepting, HTTP
 * listener unbound, hand-off complete and 1012 to clients (all logged by {@link GracefulLeave}), with the
 * phase lines below in between: room shards stopping, cluster leave, actor system terminate.
 */
final class ShutdownPhasesLog {
    private static final Logger log = LoggerFactory.getLogger(ShutdownPhasesLog.class);

    private ShutdownPhasesLog() {}

    static void register(ActorSystem<?> system) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        // Tasks of one phase run concurrently: each message is logged at the START of the phase named.
        say(
                shutdown,
                CoordinatedShutdown.PhaseClusterShardingShutdownRegion(),
                "(drain, hand off) stopping room "
                        + "shards: rooms finish their journal writes, take final snapshots and stop; shards move to other nodes");
        say(shutdown, CoordinatedShutdown.PhaseClusterLeave(), "(leave) leaving the cluster");
        say(shutdown, CoordinatedShutdown.PhaseActorSystemTerminate(), "terminating the actor system");
    }

    private static void say(CoordinatedShutdown shutdown, String phase, String message) {
        shutdown.addTask(phase, "log-" + phase, () -> {
            log.info("Shutdown phase {}: {}", phase, message);
            return CompletableFuture.completedFuture(Done.getInstance());
        });
    }
}
