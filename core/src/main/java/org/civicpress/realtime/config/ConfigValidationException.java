package org.civicpress.realtime.config;

import java.util.List;
import java.util.Map;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.RealtimeError;

/**
 * Every problem of a configuration at once, so an operator fixes them in one go. The message is meant
 * to be printed as-is by the server before it exits non-zero. It never contains secret values.
 */
public final class ConfigValidationException extends RealtimeError {
    public static final String CODE = "CONFIG_INVALID";
    private final List<ConfigProblem> problems;

    public ConfigValidationException(List<ConfigProblem> problems) {
        super(CODE, 500, CloseCodes.INTERNAL_ERROR, format(problems), Map.of("problems", problems.size()), null, null);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(List<ConfigProblem> problems) {
        StringBuilder sb = new StringBuilder("Invalid realtime configuration (")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems")
                .append("):");
        for (ConfigProblem p : problems) sb.append("\n  - ").append(p);
        return sb.toString();
    }
}
