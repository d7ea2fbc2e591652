package org.civicpress.realtime.services;

import java.util.Map;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.RealtimeError;

/** A service could not be resolved: see the subclasses for the reasons. Always a wiring bug, so HTTP 500. */
public class ServiceContainerError extends RealtimeError {
    protected ServiceContainerError(String code, String message, Map<String, ?> details, Throwable cause) {
        super(code, 500, CloseCodes.INTERNAL_ERROR, message, details, null, cause);
    }

    /** No service is registered under the key. */
    public static final class NotFound extends ServiceContainerError {
        public NotFound(String key, Iterable<String> known) {
            super(
                    "SERVICE_NOT_FOUND",
                    "No service registered under '" + key + "' (registered: " + String.join(", ", known) + ")",
                    Map.of("key", key),
                    null);
        }
    }

    /** The key exists but its service is not of the requested type. */
    public static final class WrongType extends ServiceContainerError {
        public WrongType(String key, Class<?> registered, Class<?> requested) {
            super(
                    "SERVICE_WRONG_TYPE",
                    "Service '" + key + "' is a " + registered.getName() + ", not a " + requested.getName(),
                    Map.of("key", key),
                    null);
        }
    }

    /** Resolving the key needs itself, through the given path. */
    public static final class Cycle extends ServiceContainerError {
        public Cycle(java.util.List<String> path) {
            super("SERVICE_CYCLE", "Dependency cycle: " + String.join(" -> ", path), Map.of("cycle", path), null);
        }
    }

    /** The factory threw. */
    public static final class CreationFailed extends ServiceContainerError {
        public CreationFailed(String key, Throwable cause) {
            super(
                    "SERVICE_CREATION_FAILED",
                    "Creating service '" + key + "' failed: " + cause.getMessage(),
                    Map.of("key", key),
                    cause);
        }
    }
}
