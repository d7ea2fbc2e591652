package org.civicpress.realtime.http;

/** A start step failed; the message says which step and why, the process exits non-zero. */
final class StartupException extends RuntimeException {
    StartupException(String step, Throwable cause) {
        super(step + " failed: " + describe(cause), cause);
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null
                && root.getCause() != root
                && (root instanceof java.util.concurrent.ExecutionException
                        || root instanceof java.util.concurrent.CompletionException)) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getName() : root.getMessage();
    }
}
