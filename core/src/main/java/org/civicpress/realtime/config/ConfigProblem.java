package org.civicpress.realtime.config;

/**
 * One problem found in the configuration. {@code path} is the YAML path ({@code rooms.max_rooms},
 * {@code webhooks[0].url}); {@code source} says where the bad value came from (the file or an
 * environment variable name).
 */
public record ConfigProblem(String path, String source, String message) {
    @Override
    public String toString() {
        return path + ": " + message + (source == null ? "" : " (from " + source + ")");
    }
}
