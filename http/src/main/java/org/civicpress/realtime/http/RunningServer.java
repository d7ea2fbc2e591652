package org.civicpress.realtime.http;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The running realtime server as a service: registered by {@link RealtimeServer} in its ServiceContainer
 * under {@code ServiceKeys.SERVER} ("realtimeServer"). It tells where clients connect and whether the node
 * serves rooms yet, and stops the node gracefully (the same CoordinatedShutdown sequence as SIGTERM).
 */
public final class RunningServer {
    private final ActorSystem<?> system;
    private final String host;
    private final String path;
    private final ServerState state;
    private volatile ServerBinding binding;

    RunningServer(ActorSystem<?> system, String host, String path, ServerState state) {
        this.system = system;
        this.host = host;
        this.path = "/" + RealtimeRoutes.trimSlashes(path);
        this.state = state;
    }

    void bound(ServerBinding binding) {
        this.binding = binding;
    }

    /** The address the HTTP listener is bound to (the real port when 0 was configured). */
    public InetSocketAddress localAddress() {
        ServerBinding b = binding;
        if (b == null) {
            throw new IllegalStateException("the HTTP listener is not bound yet");
        }
        return b.localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    /** The WebSocket path prefix, e.g. {@code /realtime}: clients connect to {@code <path>/<roomId>}. */
    public String path() {
        return path;
    }

    /** True from the end of the start until a shutdown begins: rooms are served (same as {@code GET /ready}). */
    public boolean isReady() {
        return state.isReady();
    }

    /**
     * Where a client on this machine connects, e.g. {@code ws://localhost:3001/realtime/<roomId>}: a wildcard
     * bind address (0.0.0.0, ::) is shown as localhost.
     */
    public String webSocketUrl(String roomId) {
        boolean wildcard =
                host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        String shownHost =
                wildcard ? "localhost" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "ws://" + shownHost + ":" + port() + path + "/" + roomId;
    }

    /**
     * Stops this node gracefully, as SIGTERM does: not ready, listener unbound, rooms handed off, clients told
     * to reconnect (1012), cluster left, actor system terminated. Completes when the sequence has run.
     */
    public CompletionStage<Done> stop() {
        return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
    }
}
