package org.civicpress.realtime.http;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.civicpress.realtime.room.Room;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, before the node reports ready, what the first room of a restarted node would otherwise start on its
 * first join (measured 0.8-1.4 s after /ready, docs/benchmarks.md "JVM and start-up"):
 * <ul>
 *   <li>the persistence plugins: Pekko's {@code Persistence} extension is created lazily by the first
 *       persistent actor, and only then honours {@code auto-start-journals}; the JDBC journal and snapshot store
 *       then build their Slick database and HikariCP pool;
 *   <li>a recovery of a throw-away persistence id (no events, no snapshot, nothing written): the journal's
 *       highest-sequence-number and the snapshot store's load queries, with their connections and statements;
 *   <li>the shard coordinator (a cluster singleton started after this node is Up) and the room region's
 *       registration with it, which the first room's shard allocation waits for.
 * </ul>
 * Nothing here touches a room: no hook fires, no room counts against the limits. A step that fails or takes
 * longer than its bound is logged and skipped: warming up must never keep a node from serving.
 */
final class StartupWarmUp {
    private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);
    /** Never a room's id: room persistence ids are {@code room|<roomId>}. */
    static final String PERSISTENCE_ID = "realtime-startup-warm-up";

    private static final Duration STEP_BOUND = Duration.ofSeconds(10);

    private StartupWarmUp() {}

    /**
     * Persistence plugins and a throw-away recovery. Needs the actor system only (no cluster). Returns the
     * milliseconds it took, or -1 when it did not finish (logged).
     */
    static long persistence(ActorSystem<Void> system) {
        long start = System.nanoTime();
        try {
            Persistence.get(Adapter.toClassic(system)); // auto-starts jdbc-journal and jdbc-snapshot-store
            CompletableFuture<Void> recovered = new CompletableFuture<>();
            org.apache.pekko.actor.typed.ActorRef<Object> probe =
                    system.systemActorOf(new Probe(recovered), "startup-warm-up", Props.empty());
            try {
                recovered.get(STEP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                probe.tell("stop"); // stashed until recovered, then stops it
            }
            return millisSince(start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Persistence warm-up did not finish ({}); the first room will start the plugins", e.toString());
        }
        return -1;
    }

    /**
     * Waits until the room shard region is registered with an active shard coordinator. Returns the
     * milliseconds it took, or -1 when it did not happen in time (logged).
     */
    static long sharding(ActorSystem<Void> system) {
        long start = System.nanoTime();
        long deadline = start + STEP_BOUND.toNanos();
        Address self = Cluster.get(system).selfMember().address();
        // The classic region behind the typed one answers GetCurrentRegions from the coordinator: empty while
        // it has none, our address once the coordinator is active and has registered this region.
        ActorRef region = org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(system))
                .shardRegion(Room.TYPE_KEY.name());
        try {
            while (System.nanoTime() < deadline) {
                Object answer = Patterns.ask(region, ShardRegion.getCurrentRegionsInstance(), Duration.ofSeconds(2))
                        .toCompletableFuture()
                        .get(3, TimeUnit.SECONDS);
                if (answer instanceof ShardRegion.CurrentRegions regions
                        && regions.getRegions().contains(self)) {
                    return millisSince(start);
                }
                Thread.sleep(20);
            }
            log.warn("Shard coordinator not active after {} ms: the first room will wait for it", millisSince(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Shard coordinator warm-up did not finish ({}); the first room will wait for it", e.toString());
        }
        return -1;
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Recovers {@link #PERSISTENCE_ID} (nothing is ever persisted under it), then stops on any command. */
    private static final class Probe extends EventSourcedBehavior<Object, Object, Object> {
        private final CompletableFuture<Void> recovered;

        Probe(CompletableFuture<Void> recovered) {
            super(PersistenceId.ofUniqueId(PERSISTENCE_ID));
            this.recovered = recovered;
        }

        @Override
        public Object emptyState() {
            return "";
        }

        @Override
        public CommandHandler<Object, Object, Object> commandHandler() {
            return newCommandHandlerBuilder().forAnyState().onAnyCommand(command -> Effect()
                    .stop());
        }

        @Override
        public EventHandler<Object, Object> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state);
        }

        @Override
        public SignalHandler<Object> signalHandler() {
            return newSignalHandlerBuilder()
                    .onSignal(RecoveryCompleted.instance(), state -> recovered.complete(null))
                    .build();
        }
    }
}
