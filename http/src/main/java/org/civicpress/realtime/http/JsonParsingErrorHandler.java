package org.civicpress.realtime.http;

import java.util.Map;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.civicpress.realtime.errors.HttpRequestError;
import org.civicpress.realtime.errors.RealtimeError;

/**
 * The JSON error for a request too malformed to reach the routes (bad request line, header too large,
 * URI too long, ...): Pekko HTTP answers those itself, with this handler instead of its plain-text default
 * (set on the binding in {@link RealtimeServer}: {@code ServerSettings.withParsingErrorHandler}). No request
 * exists yet, so the correlation id is always a new one. Like Pekko's default, the body carries the parser's
 * detail only with {@code pekko.http.server.verbose-error-messages = on}; the log line always has it.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
    /** Pekko loads the handler like a Scala object: through this static field. */
    public static final JsonParsingErrorHandler MODULE$ = new JsonParsingErrorHandler();

    private JsonParsingErrorHandler() {}

    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        String id = CorrelationIds.generate();
        String message = settings.verboseErrorMessages() ? info.formatPretty() : status.defaultMessage();
        RealtimeError error = new HttpRequestError(status.intValue(), message, Map.of(), id);
        HttpErrors.logError(
                new HttpRequestError(status.intValue(), info.formatPretty(), Map.of(), id),
                id,
                "-",
                "(unparsed request)");
        return HttpErrors.json(error, id).addHeader(RawHeader.create(CorrelationIds.HEADER, id));
    }
}
