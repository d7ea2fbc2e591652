package org.civicpress.realtime.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.civicpress.realtime.errors.ErrorCode;
import org.civicpress.realtime.errors.HttpRequestError;
import org.civicpress.realtime.errors.JsonWriter;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.RecentHookEvents;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin inspector's JSON API (read-only), a thin translation of {@link RoomManager}, the cluster state and
 * {@link RecentHookEvents}:
 * <ul>
 *   <li>{@code GET /api/cluster}: members (address, status, roles), this node, the leader, unreachable members,
 *   rooms and shards per node;</li>
 *   <li>{@code GET /api/rooms}: the rooms live on this node with their connections, and the cluster's counts;</li>
 *   <li>{@code GET /api/rooms/{roomId}} (that exact path: {@code /api/rooms/{roomId}/...} belongs to other
 *   routes): connections with user ids, journal position, last snapshot, the document as JSON;</li>
 *   <li>{@code GET /api/events}: this node's recent hook events, newest last;</li>
 *   <li>{@code GET /api/events/stream}: the same, then every new one, as Server-Sent Events.</li>
 * </ul>
 * Each needs the admin token when auth is on ({@link AdminAuth}; from
 * {@code Authorization: Bearer} or {@code ?token=}, the only way for a browser's EventSource); answers are
 * {@code no-store}: they hold user ids and document content.
 */
final class AdminRoutes extends AllDirectives {
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    /** At most this many rooms of this node are asked for their connections per {@code /api/rooms}. */
    static final int MAX_ROOMS_WITH_CONNECTIONS = 100;
    /** Events a stream subscriber may be behind before it is dropped (its browser reconnects and catches up). */
    static final int STREAM_BUFFER = 64;
    /** Concurrent event streams per node; more are refused with 429. */
    static final int MAX_STREAMS = 16;
    /**
     * A comment line this often on an idle stream. Besides keeping proxies from closing it, it is how a gone
     * reader is noticed: the server sees a closed connection only when it writes to it.
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private static final List<HttpHeader> NO_STORE = List.of(
            CacheControl.create(CacheDirectives.NO_STORE), RawHeader.create("X-Content-Type-Options", "nosniff"));

    private final ActorSystem<?> system;
    private final RoomManager rooms;
    private final RecentHookEvents events;
    private final AdminAuth adminAuth;

    AdminRoutes(ActorSystem<?> system, RoomManager rooms, RecentHookEvents events, AdminAuth adminAuth) {
        this.system = system;
        this.rooms = rooms;
        this.events = events;
        this.adminAuth = adminAuth;
    }

    Route route(String correlationId) {
        return pathPrefix(
                "api",
                () -> get(() -> concat(
                        path("cluster", () -> admin(correlationId, this::cluster)),
                        path("rooms", () -> admin(correlationId, this::roomsOfThisNode)),
                        path(
                                segment("rooms").slash(segment()),
                                roomId -> admin(correlationId, () -> room(roomId, correlationId))),
                        path("events", () -> admin(correlationId, () -> json(recentEventsJson()))),
                        path(
                                segment("events").slash("stream"),
                                () -> admin(correlationId, () -> stream(correlationId))))));
    }

    /** The admin check of every route here ({@link AdminAuth}: 401 without a valid token, 403 when not admin). */
    private Route admin(String correlationId, Supplier<Route> inner) {
        return adminAuth.require(correlationId, principal -> inner.get());
    }

    // ------------------------------------------------------------------------------------------- cluster

    private Route cluster() {
        return answer(rooms.roomsInCluster().thenApply(clusterRooms -> {
            Cluster cluster = Cluster.get(system);
            ClusterEvent.CurrentClusterState state = cluster.state();
            List<Object> members = new ArrayList<>();
            for (Member m : state.getMembers()) members.add(member(m, clusterRooms));
            List<Object> unreachable = new ArrayList<>();
            for (Member m : state.getUnreachable()) unreachable.add(m.address().toString());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("self", cluster.selfMember().address().toString());
            body.put(
                    "leader",
                    state.getLeader() == null ? null : state.getLeader().toString());
            body.put("members", members);
            body.put("unreachable", unreachable);
            body.put("rooms", clusterRooms.total());
            body.put("roomsPerNode", clusterRooms.roomsPerNode());
            body.put("shardsPerNode", clusterRooms.shardsPerNode());
            body.put(
                    "failedShards",
                    clusterRooms.failedShards().stream().sorted().toList());
            return JsonWriter.write(body);
        }));
    }

    private static Map<String, Object> member(Member m, RoomManager.ClusterRooms clusterRooms) {
        String address = m.address().toString();
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("address", address);
        member.put("status", m.status().toString());
        member.put("roles", m.getRoles().stream().sorted().toList());
        member.put("dataCenter", m.dataCenter());
        member.put("rooms", clusterRooms.roomsPerNode().getOrDefault(address, 0));
        member.put(
                "shards",
                clusterRooms.shardsPerNode().getOrDefault(address, Map.of()).size());
        return member;
    }

    // ------------------------------------------------------------------------------------------- rooms

    private Route roomsOfThisNode() {
        CompletionStage<RoomManager.ClusterRooms> cluster = rooms.roomsInCluster();
        return answer(rooms.roomsOnThisNode().thenCompose(local -> {
            List<String> ids = local.roomIds();
            List<CompletableFuture<Map<String, Object>>> each = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                String roomId = ids.get(i);
                if (i >= MAX_ROOMS_WITH_CONNECTIONS) {
                    each.add(CompletableFuture.completedFuture(roomSummary(roomId, null)));
                    continue;
                }
                // A room that passivated since the listing is started again by inspect: a small price for
                // an admin page, and it passivates again after the cleanup timeout.
                each.add(rooms.inspect(roomId)
                        .toCompletableFuture()
                        .thenApply(details -> roomSummary(roomId, details))
                        .exceptionally(e -> roomSummary(roomId, null)));
            }
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                    .thenCombine(cluster, (done, c) -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("node", local.node());
                        body.put(
                                "rooms",
                                each.stream().map(CompletableFuture::join).toList());
                        body.put(
                                "failedShards",
                                local.failedShards().stream().sorted().toList());
                        body.put("cluster", Map.of("rooms", c.total(), "roomsPerNode", c.roomsPerNode()));
                        return JsonWriter.write(body);
                    });
        }));
    }

    /** {@code details} null: not asked (over the limit) or did not answer; connections then absent. */
    private static Map<String, Object> roomSummary(String roomId, RoomManager.RoomDetails details) {
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("roomId", roomId);
        if (details != null) {
            room.put("roomType", details.roomType());
            room.put("connections", details.members().size());
            room.put(
                    "users",
                    details.members().stream()
                            .map(Room.MemberInfo::userId)
                            .filter(u -> u != null)
                            .distinct()
                            .sorted()
                            .toList());
            room.put("sequenceNr", details.sequenceNr());
        }
        return room;
    }

    private Route room(String roomId, String correlationId) {
        if (!RoomIds.isValid(roomId)) {
            return extractRequest(request ->
                    HttpErrors.complete(new InvalidRoomIdError(roomId, correlationId), correlationId, request));
        }
        return answer(rooms.inspect(roomId).thenApply(AdminRoutes::roomJson));
    }

    static String roomJson(RoomManager.RoomDetails details) {
        List<Object> connections = new ArrayList<>();
        for (Room.MemberInfo m : details.members()) {
            Map<String, Object> connection = new LinkedHashMap<>();
            connection.put("connectionId", m.connectionId());
            connection.put("userId", m.userId());
            connections.add(connection);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("roomId", details.roomId());
        body.put("roomType", details.roomType());
        body.put("connections", connections);
        body.put("sequenceNr", details.sequenceNr());
        body.put("updatesSinceSnapshot", details.updatesSinceSnapshot());
        body.put("lastSnapshotSequenceNr", details.lastSnapshotSequenceNr());
        String json = JsonWriter.write(body);
        // The document is JSON already (DocumentJson): spliced in as it is, not parsed and written again.
        String document = details.documentJson() == null ? "null" : details.documentJson();
        return json.substring(0, json.length() - 1) + ",\"document\":" + document + "}";
    }

    // ------------------------------------------------------------------------------------------- events

    private String recentEventsJson() {
        List<Object> list = new ArrayList<>();
        for (RecentHookEvents.Recorded r : events.recent()) list.add(eventMap(r));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("capacity", events.capacity());
        body.put("events", list);
        return JsonWriter.write(body);
    }

    static Map<String, Object> eventMap(RecentHookEvents.Recorded recorded) {
        HookEvent e = recorded.event();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("seq", recorded.seq());
        event.put("id", e.id());
        event.put("event", e.event());
        event.put("timestamp", e.timestamp().toString());
        event.put("roomId", e.roomId());
        event.put("node", e.node());
        event.put("clientId", e.clientId());
        event.put("userId", e.userId());
        event.put("correlationId", e.correlationId());
        event.put("data", e.data());
        return event;
    }

    /**
     * The recent events, then each new one, as {@code event: hook} messages with the sequence number as id.
     * Each subscriber has a queue of {@value #STREAM_BUFFER} events filled on the hook listener thread; when
     * it is full the subscriber is dropped (the stream ends; EventSource reconnects and gets the recent events
     * again): a slow reader never makes the server buffer without bound or slows the hook listeners.
     */
    private Route stream(String correlationId) {
        if (events.subscribers() >= MAX_STREAMS) {
            return extractRequest(request -> HttpErrors.complete(
                    new HttpRequestError(
                            ErrorCode.CONNECTION_LIMIT_EXCEEDED,
                            "too many admin event streams on this node",
                            Map.of("limit", MAX_STREAMS),
                            correlationId),
                    correlationId,
                    request));
        }
        var pair = Source.<RecentHookEvents.Recorded>queue(STREAM_BUFFER).preMaterialize(system);
        BoundedSourceQueue<RecentHookEvents.Recorded> queue = pair.first();
        RecentHookEvents.Subscription subscription = events.subscribe(recorded -> {
            QueueOfferResult result = queue.offer(recorded);
            if (result != QueueOfferResult.enqueued()) {
                log.info("admin event stream {} dropped: more than {} events behind", correlationId, STREAM_BUFFER);
                queue.fail(new IllegalStateException("subscriber too slow"));
                throw new IllegalStateException("unsubscribe"); // RecentHookEvents removes a throwing subscriber
            }
        });
        Source<ServerSentEvent, NotUsed> source = Source.from(subscription.recent())
                .concat(pair.second())
                .map(AdminRoutes::sse)
                .keepAlive(HEARTBEAT, ServerSentEvent::heartbeat)
                .watchTermination((mat, done) -> {
                    done.whenComplete((ok, failure) -> subscription.cancel().run());
                    return mat;
                });
        return respondWithHeaders(NO_STORE, () -> completeOK(source, EventStreamMarshalling.toEventStream()));
    }

    private static ServerSentEvent sse(RecentHookEvents.Recorded recorded) {
        return ServerSentEvent.create(
                JsonWriter.write(eventMap(recorded)),
                Optional.of("hook"),
                Optional.of(Long.toString(recorded.seq())),
                java.util.OptionalInt.empty());
    }

    // ------------------------------------------------------------------------------------------- answers

    private Route json(String body) {
        return complete(HttpResponse.create().withHeaders(NO_STORE).withEntity(ContentTypes.APPLICATION_JSON, body));
    }

    /** The JSON body, or the typed error: a question sharding or a room did not answer in time is a 503. */
    private Route answer(CompletionStage<String> body) {
        CompletionStage<Object> outcome = body.handle((json, failure) -> failure == null ? json : unwrap(failure));
        return onSuccess(
                outcome, result -> result instanceof String json ? json(json) : failWith(toError((Throwable) result)));
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        return t;
    }

    private static Throwable toError(Throwable failure) {
        if (failure instanceof TimeoutException) { // the ask's timeout
            return new HttpRequestError(
                    ErrorCode.SERVICE_UNAVAILABLE,
                    "the cluster did not answer in time (sharding starting, or a node unreachable)",
                    Map.of(),
                    null);
        }
        return failure; // HttpErrors' exception handler types the rest
    }
}
