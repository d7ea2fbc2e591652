package org.civicpress.realtime.http;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a node is in its life, for the health routes and the WebSocket route. The HTTP port is bound
 * early, while STARTING (Kubernetes and load balancers see {@code /alive} 200 and {@code /ready} 503, and a
 * WebSocket is closed with 1012 "reconnect"); READY once rooms can be served; STOPPING from the first step
 * of a graceful shutdown on (never back: a node does not become ready again).
 */
final class ServerState {
    enum Phase {
        STARTING("starting"),
        READY("ok"),
        STOPPING("stopping");

        private final String status;

        Phase(String status) {
            this.status = status;
        }

        /** The {@code status} field of the {@code /health} and {@code /ready} bodies. */
        String status() {
            return status;
        }
    }

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.STARTING);

    Phase phase() {
        return phase.get();
    }

    boolean isReady() {
        return phase.get() == Phase.READY;
    }

    /** STARTING → READY; false if shutdown already began. */
    boolean markReady() {
        return phase.compareAndSet(Phase.STARTING, Phase.READY);
    }

    void markStopping() {
        phase.set(Phase.STOPPING);
    }
}
