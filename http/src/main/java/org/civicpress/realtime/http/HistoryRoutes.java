package org.civicpress.realtime.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.civicpress.realtime.auth.Principal;
import org.civicpress.realtime.errors.ErrorCode;
import org.civicpress.realtime.errors.HttpRequestError;
import org.civicpress.realtime.history.AsOf;
import org.civicpress.realtime.persistence.RoomHistory;
import org.civicpress.realtime.room.Room;
import org.civicpress.ycrdt.lib0.Json;

/**
 * History and audit of a room from its journal (docs/history.md), admin only, a thin layer over
 * {@link RoomHistory} and {@link Room.RestoreTo}:
 * <ul>
 *   <li>{@code GET /api/rooms/{roomId}/history?after=SEQNR&limit=N}</li>
 *   <li>{@code GET /api/rooms/{roomId}/document?at=SEQNR|ISO-8601} (JSON, or one Yjs update with
 *   {@code Accept: application/octet-stream})</li>
 *   <li>{@code GET /api/rooms/{roomId}/diff?from=A&to=B}</li>
 *   <li>{@code POST /api/rooms/{roomId}/rollback?at=SEQNR|ISO-8601}</li>
 * </ul>
 * Points are journal sequence numbers (or times, mapped to the last event journaled at or before them).
 */
final class HistoryRoutes extends AllDirectives {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

    private final ActorSystem<?> system;
    private final AdminAuth adminAuth;
    private final Supplier<RoomHistory> history;
    private volatile RoomHistory historyInstance;

    /** {@code history}: made on first use (the read journal starts its connection pool then). */
    HistoryRoutes(ActorSystem<?> system, AdminAuth adminAuth, Supplier<RoomHistory> history) {
        this.system = system;
        this.adminAuth = adminAuth;
        this.history = history;
    }

    HistoryRoutes(ActorSystem<?> system, AdminAuth adminAuth) {
        this(system, adminAuth, () -> new RoomHistory(system, ASK_TIMEOUT));
    }

    Route route(String correlationId) {
        return pathPrefix(
                "api",
                () -> pathPrefix(
                        "rooms",
                        () -> pathPrefix(
                                segment(),
                                roomId -> concat(
                                        path(
                                                "history",
                                                () -> get(
                                                        () -> admin(
                                                                roomId, correlationId, principal -> history(roomId)))),
                                        path(
                                                "document",
                                                () -> get(
                                                        () -> admin(
                                                                roomId, correlationId, principal -> document(roomId)))),
                                        path(
                                                "diff",
                                                () -> get(
                                                        () -> admin(roomId, correlationId, principal -> diff(roomId)))),
                                        path(
                                                "rollback",
                                                () -> post(
                                                        () -> admin(
                                                                roomId,
                                                                correlationId,
                                                                principal -> rollback(roomId, principal))))))));
    }

    // ---------------------------------------------------------------- endpoints

    private Route history(String roomId) {
        return extractRequest(request -> {
            long after = longParam(request, "after").orElse(0L);
            int limit = (int) Math.min(longParam(request, "limit").orElse((long) DEFAULT_LIMIT), MAX_LIMIT);
            if (limit < 1) throw badRequest("limit must be at least 1");
            return answer(history().history(roomId, after, limit).thenApply(page -> {
                List<Object> entries = new ArrayList<>();
                for (RoomHistory.Entry e : page.entries()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("sequenceNr", e.sequenceNr());
                    m.put("index", e.index());
                    m.put("time", Instant.ofEpochMilli(e.journaledAtMillis()).toString());
                    m.put(
                            "receivedAt",
                            e.receivedAtMillis() > 0
                                    ? Instant.ofEpochMilli(e.receivedAtMillis()).toString()
                                    : null);
                    m.put("userId", e.userId());
                    m.put("connectionId", e.connectionId());
                    m.put("size", e.size());
                    m.put("changes", e.changes());
                    entries.add(m);
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("roomId", roomId);
                body.put("entries", entries);
                body.put("nextAfter", page.nextAfter());
                body.put("more", page.more());
                return json(body);
            }));
        });
    }

    private Route document(String roomId) {
        return extractRequest(request -> {
            String at = requiredParam(request, "at");
            boolean binary = request.getHeader("Accept")
                    .map(h -> h.value().contains("application/octet-stream"))
                    .orElse(false);
            return answer(point(roomId, at)
                    .thenCompose(seq -> history().documentAt(roomId, seq))
                    .thenApply(p -> {
                        HttpResponse response = binary
                                ? HttpResponse.create()
                                        .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, AsOf.update(p.doc()))
                                : HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, AsOf.json(p.doc()));
                        return response.addHeader(
                                        RawHeader.create("X-History-Sequence-Nr", Long.toString(p.sequenceNr())))
                                .addHeader(RawHeader.create(
                                        "X-History-Snapshot-Sequence-Nr", Long.toString(p.snapshotSequenceNr())))
                                .addHeader(RawHeader.create(
                                        "X-History-Updates-Replayed", Integer.toString(p.updatesReplayed())));
                    }));
        });
    }

    private Route diff(String roomId) {
        return extractRequest(request -> {
            String fromParam = requiredParam(request, "from");
            String toParam = requiredParam(request, "to");
            return answer(point(roomId, fromParam)
                    .thenCombine(point(roomId, toParam), (from, to) -> new long[] {from, to})
                    .thenCompose(ft -> {
                        if (ft[0] > ft[1]) throw badRequest("from (" + ft[0] + ") is after to (" + ft[1] + ")");
                        return history().diff(roomId, ft[0], ft[1]).thenApply(changes -> {
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("roomId", roomId);
                            body.put("from", ft[0]);
                            body.put("to", ft[1]);
                            body.put("changes", changes);
                            return json(body);
                        });
                    }));
        });
    }

    private Route rollback(String roomId, Principal admin) {
        return extractRequest(request -> {
            String at = requiredParam(request, "at");
            return answer(point(roomId, at)
                    .thenCompose(seq -> history().documentAt(roomId, seq))
                    .thenCompose(p -> {
                        byte[] target = AsOf.update(p.doc());
                        return ClusterSharding.get(system)
                                .entityRefFor(Room.TYPE_KEY, roomId)
                                .<Room.Restored>ask(
                                        replyTo -> new Room.RestoreTo(target, admin.userId(), replyTo), ASK_TIMEOUT)
                                .thenApply(restored -> {
                                    if (restored.error() != null) {
                                        throw new HttpRequestError(
                                                ErrorCode.BAD_REQUEST,
                                                restored.error(),
                                                Map.of("roomId", roomId),
                                                null);
                                    }
                                    Map<String, Object> body = new LinkedHashMap<>();
                                    body.put("roomId", roomId);
                                    body.put("restoredTo", p.sequenceNr());
                                    body.put("changed", restored.changed());
                                    body.put("sequenceNr", restored.sequenceNr());
                                    body.put("userId", admin.userId());
                                    return json(body);
                                });
                    }));
        });
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The admin check ({@link AdminAuth}: 401 without a valid token, 403 when not admin) after the room id's;
     * failures inside an answer become JSON errors with this request's correlation id.
     */
    private Route admin(String roomId, String correlationId, Function<Principal, Route> inner) {
        return extractRequest(request -> {
            if (!RoomIds.isValid(roomId)) {
                return HttpErrors.complete(new InvalidRoomIdError(roomId, correlationId), correlationId, request);
            }
            return adminAuth.require(
                    correlationId,
                    principal -> handleExceptions(
                            org.apache.pekko.http.javadsl.server.ExceptionHandler.newBuilder()
                                    .match(
                                            Throwable.class,
                                            e -> HttpErrors.complete(
                                                    HttpErrors.toError(unwrap(e), correlationId, request),
                                                    correlationId,
                                                    request))
                                    .build(),
                            () -> inner.apply(principal)));
        });
    }

    /** A point: digits = a sequence number, otherwise an ISO-8601 time. */
    private CompletionStage<Long> point(String roomId, String value) {
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() < 19) {
            return CompletableFuture.completedFuture(Long.parseLong(value));
        }
        Instant time;
        try {
            time = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                time = Instant.parse(value);
            } catch (DateTimeParseException e2) {
                throw badRequest("not a sequence number or an ISO-8601 time: " + value);
            }
        }
        return history().sequenceNrAt(roomId, time);
    }

    private Route answer(CompletionStage<HttpResponse> response) {
        return onSuccess(response, this::complete);
    }

    private static HttpResponse json(Map<String, Object> body) {
        return HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, Json.stringify(body));
    }

    private static Optional<Long> longParam(HttpRequest request, String name) {
        Optional<String> value = request.getUri().query().get(name);
        if (value.isEmpty()) return Optional.empty();
        try {
            long v = Long.parseLong(value.get());
            if (v < 0) throw badRequest(name + " must not be negative");
            return Optional.of(v);
        } catch (NumberFormatException e) {
            throw badRequest(name + " must be a number, was " + abbreviate(value.get()));
        }
    }

    private static String requiredParam(HttpRequest request, String name) {
        return request.getUri()
                .query()
                .get(name)
                .filter(v -> !v.isBlank())
                .orElseThrow(() -> badRequest("query parameter " + name + " is required"));
    }

    private static HttpRequestError badRequest(String message) {
        return new HttpRequestError(ErrorCode.BAD_REQUEST, message, Map.of(), null);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
        return e;
    }

    private RoomHistory history() {
        RoomHistory h = historyInstance;
        if (h == null) {
            synchronized (this) {
                if (historyInstance == null) historyInstance = history.get();
                h = historyInstance;
            }
        }
        return h;
    }
}
