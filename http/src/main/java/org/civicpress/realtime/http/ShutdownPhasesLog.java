package org.civicpress.realtime.http;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each CoordinatedShutdown phase the server relies on, so an operator (and SigtermDurabilityIT)
 * can read the graceful shutdown from the log: 1012 to clients (before-service-unbind, logged by
 * {@link RealtimeServer}), HTTP stopped, room shards stopping (rooms finish journal writes and take
 * final snapshots), cluster leave, actor system terminate.
 */
final class ShutdownPhasesLog {
    private static final Logger log = LoggerFactory.getLogger(ShutdownPhasesLog.class);

    private ShutdownPhasesLog() {
    }

    static void register(ActorSystem<?> system) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        // Tasks of one phase run concurrently: each message is logged at the START of the phase named.
        say(shutdown, CoordinatedShutdown.PhaseServiceStop(), "HTTP listener unbound and open requests done");
        say(shutdown, CoordinatedShutdown.PhaseClusterShardingShutdownRegion(),
                "stopping room shards: rooms flush pending journal writes and take final snapshots");
        say(shutdown, CoordinatedShutdown.PhaseClusterLeave(), "leaving the cluster");
        say(shutdown, CoordinatedShutdown.PhaseActorSystemTerminate(), "terminating the actor system");
    }

    private static void say(CoordinatedShutdown shutdown, String phase, String message) {
        shutdown.addTask(phase, "log-" + phase, () -> {
            log.info("Shutdown phase {}: {}", phase, message);
            return CompletableFuture.completedFuture(Done.getInstance());
        });
    }
}
