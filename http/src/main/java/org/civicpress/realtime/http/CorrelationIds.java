package org.civicpress.realtime.http;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.slf4j.MDC;

/**
 * One correlation id per HTTP request / WebSocket connection: the caller's {@value #HEADER} (else
 * {@value #REQUEST_ID_HEADER}, as set by many proxies) when sane, else a fresh UUID. It is returned as
 * the {@value #HEADER} response header, written into every error body and put into the log MDC under
 * {@value #MDC_KEY}, so a client's report, the proxy's access log and our log lines meet on one value.
 */
final class CorrelationIds {
    static final String HEADER = "X-Correlation-Id";
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String MDC_KEY = "correlationId";
    /** What we accept from a client: short and harmless in a log line, a JSON string and a header. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private CorrelationIds() {}

    /** The caller's X-Correlation-Id / X-Request-Id when sane, else a fresh id. */
    static String of(HttpRequest request) {
        for (String header : new String[] {HEADER, REQUEST_ID_HEADER}) {
            Optional<String> value =
                    request.getHeader(header).map(h -> h.value().strip());
            if (value.isPresent() && isSane(value.get())) {
                return value.get();
            }
        }
        return generate();
    }

    static String generate() {
        return UUID.randomUUID().toString();
    }

    static boolean isSane(String id) {
        return id != null && SANE.matcher(id).matches();
    }

    /**
     * Runs {@code body} with {@code correlationId} in the MDC: for log lines written on a route's or stream's
     * thread (actors set their own MDC, see ClientConnection). Restores what the thread had before.
     */
    static void withMdc(String correlationId, Runnable body) {
        String previous = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, correlationId);
        try {
            body.run();
        } finally {
            if (previous == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, previous);
            }
        }
    }
}
