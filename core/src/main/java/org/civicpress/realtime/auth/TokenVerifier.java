package org.civicpress.realtime.auth;

import java.util.concurrent.CompletionStage;

/**
 * Checks one bearer token. Answers {@link AuthOutcome.Authenticated} or {@link AuthOutcome.InvalidToken};
 * never completes exceptionally for a bad token or an unreachable key or introspection server (those are
 * InvalidToken with {@link AuthOutcome.Failure#UNAVAILABLE}). Non-blocking: the stage may complete on an
 * HTTP client thread, so callers in actors pipe it to themselves.
 */
public interface TokenVerifier {
    CompletionStage<AuthOutcome> verify(String token);
}
