package org.civicpress.realtime.metrics;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The {@link RealtimeMetrics} of a node, for actors created without a services handle (one connection actor
 * per socket: passing the registry through every factory signature would be noise). The server sets it at
 * start ({@link #use}); until then (and in tests that never set it) a private registry nobody scrapes.
 */
public final class NodeMetrics implements Extension {
    private static final Id ID = new Id();

    private final AtomicReference<RealtimeMetrics> metrics = new AtomicReference<>(new RealtimeMetrics());

    /** The metrics of {@code system}'s node. */
    public static RealtimeMetrics get(ActorSystem<?> system) {
        return ID.apply(system).metrics.get();
    }

    /** Makes {@code metrics} (the scraped registry) the node's metrics. */
    public static void use(ActorSystem<?> system, RealtimeMetrics metrics) {
        ID.apply(system).metrics.set(Objects.requireNonNull(metrics, "metrics"));
    }

    private static final class Id extends ExtensionId<NodeMetrics> {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
            return new NodeMetrics();
        }
    }
}
