package org.civicpress.realtime.http;

import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.civicpress.realtime.errors.ErrorCode;
import org.civicpress.realtime.errors.HttpRequestError;
import org.civicpress.realtime.errors.RealtimeError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP error of the server, in one place: the JSON body {@code {"error":{"code","message",
 * "correlationId","details"}}} for route errors, Pekko's rejections (unknown path, wrong method, ...),
 * exceptions, request timeouts and requests too malformed to route ({@link JsonParsingErrorHandler});
 * the code comes from {@link ErrorCode}. Each error is logged once, with the request's correlation id in
 * the MDC: 4xx at INFO, 5xx at WARN, or ERROR with the stack trace of an exception (whose body says only
 * "Internal error").
 */
final class HttpErrors extends AllDirectives {
    private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);
    private static final HttpErrors DIRECTIVES = new HttpErrors();
    private static final int MAX_PATH_IN_DETAILS = 200;

    private HttpErrors() {}

    /**
     * Wraps all routes: gives each request its correlation id ({@link CorrelationIds}), echoes it as the
     * {@value CorrelationIds#HEADER} response header (on errors, successes and the WebSocket upgrade alike),
     * and turns every rejection, exception and timeout into the JSON error body with that id.
     */
    static Route withCorrelationAndJsonErrors(Function<String, Route> routes) {
        return DIRECTIVES.wrap(routes);
    }

    private Route wrap(Function<String, Route> routes) {
        return extractRequest(request -> {
            String id = CorrelationIds.of(request);
            return mapRequest(
                    tagged -> tagged.addAttribute(CORRELATION_ID, id),
                    () -> respondWithHeader(
                            RawHeader.create(CorrelationIds.HEADER, id),
                            () ->
                                    // The timeout response is sent by the server engine, outside this route: it needs
                                    // its own
                                    // header.
                                    withRequestTimeoutResponse(
                                            timedOut -> respond(
                                                            new HttpRequestError(
                                                                    ErrorCode.SERVICE_UNAVAILABLE,
                                                                    "the server did not answer in time",
                                                                    details(timedOut),
                                                                    id),
                                                            id,
                                                            timedOut)
                                                    .addHeader(RawHeader.create(CorrelationIds.HEADER, id)),
                                            () -> handleExceptions(
                                                    EXCEPTIONS,
                                                    () -> handleRejections(
                                                            rejections(id, request), () -> routes.apply(id))))));
        });
    }

    /** Settings for binding the routes: requests too malformed to reach them get the JSON error body too. */
    static ServerSettings serverSettings(Config config) {
        return ServerSettings.create(config).withParsingErrorHandler(JsonParsingErrorHandler.class.getName());
    }

    /** Completes with {@code error}'s status and JSON body (under {@code correlationId}), logged once. */
    static Route complete(RealtimeError error, String correlationId, HttpRequest request) {
        return DIRECTIVES.complete(respond(error, correlationId, request));
    }

    /** The JSON response for {@code error}, logged; the correlation id header is added by the wrapping route. */
    static HttpResponse respond(RealtimeError error, String correlationId, HttpRequest request) {
        logError(
                error,
                correlationId,
                request == null ? "-" : request.method().name(),
                request == null ? "-" : abbreviate(request.getUri().path()));
        return json(error, correlationId);
    }

    static HttpResponse json(RealtimeError error, String correlationId) {
        return HttpResponse.create()
                .withStatus(StatusCodes.get(error.httpStatus()))
                .withEntity(ContentTypes.APPLICATION_JSON, error.toJson(correlationId));
    }

    /**
     * Pekko's own rejection handling decides the status and the message (404 for no matching path, 405 with the
     * allowed methods, 400 for a malformed header or query, ...); only the body becomes ours.
     */
    private static RejectionHandler rejections(String id, HttpRequest request) {
        return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
            if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                return response;
            }
            RealtimeError error =
                    new HttpRequestError(response.status().intValue(), text(response), details(request), id);
            return respond(error, id, request).withHeaders(response.getHeaders());
        });
    }

    /** The request's correlation id, for the one exception handler (built once: per request it was a tenth of an upgrade's cost). */
    private static final AttributeKey<String> CORRELATION_ID =
            AttributeKey.create("realtime-correlation-id", String.class);

    private static final ExceptionHandler EXCEPTIONS = ExceptionHandler.newBuilder()
            .match(
                    Throwable.class,
                    e -> DIRECTIVES.extractRequest(request -> {
                        String id = request.getAttribute(CORRELATION_ID).orElseGet(CorrelationIds::generate);
                        return DIRECTIVES.complete(respond(toError(e, id, request), id, request));
                    }))
            .build();

    /** The typed error for an exception escaping a route: typed ones as they are, Pekko's request errors as 4xx. */
    static RealtimeError toError(Throwable e, String id, HttpRequest request) {
        if (e instanceof RealtimeError typed) {
            return typed;
        }
        if (e instanceof IllegalRequestException illegal) {
            return new HttpRequestError(
                    illegal.status().intValue(), illegal.info().summary(), details(request), id);
        }
        if (e instanceof EntityStreamSizeException) {
            return new HttpRequestError(ErrorCode.PAYLOAD_TOO_LARGE, "request entity too large", details(request), id);
        }
        return RealtimeError.wrap(e, id);
    }

    static void logError(RealtimeError error, String correlationId, String method, String path) {
        CorrelationIds.withMdc(correlationId, () -> {
            if (error.httpStatus() >= 500 && error.getCause() != null) {
                log.error(
                        "HTTP {} {} -> {} {}: {}",
                        method,
                        path,
                        error.httpStatus(),
                        error.code(),
                        error.getCause().toString(),
                        error.getCause());
            } else if (error.httpStatus() >= 500) {
                log.warn("HTTP {} {} -> {} {}: {}", method, path, error.httpStatus(), error.code(), error.getMessage());
            } else {
                log.info("HTTP {} {} -> {} {}: {}", method, path, error.httpStatus(), error.code(), error.getMessage());
            }
        });
    }

    private static Map<String, Object> details(HttpRequest request) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", request.method().name());
        details.put("path", abbreviate(request.getUri().path()));
        return details;
    }

    private static String abbreviate(String path) {
        return path.length() <= MAX_PATH_IN_DETAILS ? path : path.substring(0, MAX_PATH_IN_DETAILS) + "...";
    }

    private static String text(HttpResponse response) {
        if (response.entity() instanceof HttpEntity.Strict strict
                && strict.getData().nonEmpty()) {
            return strict.getData().utf8String().strip();
        }
        return response.status().reason();
    }
}
