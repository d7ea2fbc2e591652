package org.civicpress.realtime.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reader of one YAML mapping that records problems instead of throwing, so that validation can
 * report every problem of a file in one pass. Each getter also looks for the environment override of
 * its key: {@code REALTIME_<SECTION>_<KEY>} (e.g. {@code REALTIME_ROOMS_MAX_ROOMS}), plus explicit aliases.
 * Secret values are never echoed into problems.
 */
final class ConfigSection {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String path;
    private final String envPrefix;
    private final Map<?, ?> raw;
    private final Map<String, String> env;
    private final String fileSource;
    private final List<ConfigProblem> problems;
    private final Set<String> known = new LinkedHashSet<>();
    private final Set<String> usedEnv;

    /** A value and where it came from; {@code fromEnv} values are strings to parse. */
    private record Value(Object value, String source, boolean fromEnv) {}

    ConfigSection(
            String path,
            String envPrefix,
            Map<?, ?> raw,
            Map<String, String> env,
            String fileSource,
            List<ConfigProblem> problems,
            Set<String> usedEnv) {
        this.path = path;
        this.envPrefix = envPrefix;
        this.raw = raw == null ? Map.of() : raw;
        this.env = env;
        this.fileSource = fileSource;
        this.problems = problems;
        this.usedEnv = usedEnv;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void problem(String key, String source, String message) {
        problems.add(new ConfigProblem(path(key), source, message));
    }

    private Value lookup(String key, String... envAliases) {
        known.add(key);
        for (String alias : envAliases) {
            String v = env.get(alias);
            if (v != null && !v.isBlank()) {
                usedEnv.add(alias);
                return new Value(v.trim(), alias, true);
            }
        }
        if (envPrefix != null) {
            String name = envPrefix + "_" + key.toUpperCase(Locale.ROOT);
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                usedEnv.add(name);
                return new Value(v.trim(), name, true);
            }
        }
        Object v = raw.get(key);
        return v == null ? null : new Value(v, fileSource, false);
    }

    ConfigSection child(String key) {
        known.add(key);
        Object v = raw.get(key);
        Map<?, ?> map = Map.of();
        if (v instanceof Map<?, ?> m) map = m;
        else if (v != null) problem(key, fileSource, "expected a mapping (section), got " + describe(v));
        return new ConfigSection(
                path(key),
                envPrefix == null ? null : envPrefix + "_" + key.toUpperCase(Locale.ROOT),
                map,
                env,
                fileSource,
                problems,
                usedEnv);
    }

    /** A list of mappings, e.g. {@code webhooks:}. Items get no environment overrides. */
    List<ConfigSection> sectionList(String key) {
        known.add(key);
        Object v = raw.get(key);
        List<ConfigSection> out = new ArrayList<>();
        if (v == null) return out;
        if (!(v instanceof List<?> list)) {
            problem(key, fileSource, "expected a list, got " + describe(v));
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String itemPath = path(key) + "[" + i + "]";
            if (item instanceof Map<?, ?> m) {
                out.add(new ConfigSection(itemPath, null, m, env, fileSource, problems, usedEnv));
            } else {
                problems.add(new ConfigProblem(itemPath, fileSource, "expected a mapping, got " + describe(item)));
            }
        }
        return out;
    }

    int integer(String key, int def, long min, long max, String... envAliases) {
        Value v = lookup(key, envAliases);
        if (v == null) return def;
        Long n = null;
        if (v.fromEnv) {
            try {
                n = Long.parseLong((String) v.value);
            } catch (NumberFormatException e) {
                problem(key, v.source, "expected an integer, got '" + v.value + "'");
            }
        } else if (v.value instanceof Integer || v.value instanceof Long) {
            n = ((Number) v.value).longValue();
        } else if (v.value instanceof BigInteger) {
            problem(key, v.source, "integer " + v.value + " is out of range [" + min + ", " + max + "]");
        } else {
            problem(key, v.source, "expected an integer, got " + describe(v.value));
        }
        if (n == null) return def;
        if (n < min || n > max) {
            problem(key, v.source, "value " + n + " is out of range [" + min + ", " + max + "]");
            return def;
        }
        return n.intValue();
    }

    boolean bool(String key, boolean def, String... envAliases) {
        Value v = lookup(key, envAliases);
        if (v == null) return def;
        if (v.value instanceof Boolean b) return b;
        if (v.fromEnv) {
            switch (((String) v.value).toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> {
                    return true;
                }
                case "false", "no", "off", "0" -> {
                    return false;
                }
                default -> {}
            }
            problem(key, v.source, "expected true or false, got '" + v.value + "'");
            return def;
        }
        problem(key, v.source, "expected true or false, got " + describe(v.value));
        return def;
    }

    /** A string; {@code ${NAME}} references are replaced by environment variables (missing ones are problems). */
    String string(String key, String def, boolean secret, String... envAliases) {
        Value v = lookup(key, envAliases);
        if (v == null) return def;
        if (!(v.value instanceof String s)) {
            problem(key, v.source, "expected a string, got " + (secret ? "a " + typeName(v.value) : describe(v.value)));
            return def;
        }
        return v.fromEnv ? s : resolveEnvRefs(key, s, v.source);
    }

    String requiredString(String key, boolean secret) {
        String s = string(key, null, secret);
        if (s == null || s.isBlank()) {
            problem(key, fileSource, "is required");
            return null;
        }
        return s;
    }

    private String resolveEnvRefs(String key, String s, String source) {
        Matcher m = ENV_REF.matcher(s);
        StringBuilder sb = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                problem(key, source, "environment variable " + m.group(1) + " is not set");
                ok = false;
                value = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return ok ? sb.toString() : null;
    }

    /** A duration: a number of seconds (300, 0.5) or a string with a unit ("500ms", "30s", "5m", "1h", "1d"). */
    Duration duration(String key, Duration def, Duration min, Duration max, String... envAliases) {
        Value v = lookup(key, envAliases);
        if (v == null) return def;
        Duration d = null;
        if (v.value instanceof Number n && !(v.value instanceof BigInteger)) {
            d = Duration.ofMillis(Math.round(n.doubleValue() * 1000));
        } else if (v.value instanceof String s) {
            d = Durations.parse(s).orElse(null);
        }
        if (d == null) {
            problem(
                    key,
                    v.source,
                    "expected a duration in seconds (e.g. 300) or with a unit (500ms, 30s, 5m, 1h), got "
                            + describe(v.value));
            return def;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem(
                    key,
                    v.source,
                    "duration " + human(d) + " is out of range [" + human(min) + ", " + human(max) + "]");
            return def;
        }
        return d;
    }

    <E extends Enum<E>> E enumeration(String key, Class<E> type, E def, String... envAliases) {
        Value v = lookup(key, envAliases);
        if (v == null) return def;
        if (v.value instanceof String s) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s.trim())) return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) allowed.add(e.name().toLowerCase(Locale.ROOT));
        problem(key, v.source, "expected one of " + String.join(", ", allowed) + ", got " + describe(v.value));
        return def;
    }

    /** A list of strings; from the environment, a comma-separated value. */
    List<String> stringList(String key, List<String> def, String... envAliases) {
        Value v = lookup(key, envAliases);
        if (v == null) return def;
        List<String> out = new ArrayList<>();
        if (v.fromEnv) {
            for (String part : ((String) v.value).split(",")) if (!part.isBlank()) out.add(part.trim());
            return out;
        }
        if (v.value instanceof String s) return List.of(s);
        if (!(v.value instanceof List<?> list)) {
            problem(key, v.source, "expected a list of strings, got " + describe(v.value));
            return def;
        }
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item instanceof String s) out.add(s);
            else
                problems.add(new ConfigProblem(
                        path(key) + "[" + i + "]", v.source, "expected a string, got " + describe(item)));
        }
        return out;
    }

    /** Reports every key of this mapping that no getter asked for. Call after reading all keys. */
    void rejectUnknownKeys() {
        for (Object k : raw.keySet()) {
            String key = String.valueOf(k);
            if (!known.contains(key)) {
                problem(
                        key,
                        fileSource,
                        "unknown key" + (known.isEmpty() ? "" : " (known keys: " + String.join(", ", known) + ")"));
            }
        }
    }

    void problemAt(String key, String message) {
        problem(key, fileSource, message);
    }

    static String describe(Object v) {
        if (v instanceof String s) return "string '" + (s.length() > 60 ? s.substring(0, 60) + "..." : s) + "'";
        if (v instanceof Map<?, ?>) return "a mapping";
        if (v instanceof List<?>) return "a list";
        return typeName(v) + " " + v;
    }

    private static String typeName(Object v) {
        if (v instanceof Boolean) return "boolean";
        if (v instanceof Number) return v instanceof Double || v instanceof Float ? "number" : "integer";
        if (v instanceof String) return "string";
        if (v instanceof Map<?, ?>) return "mapping";
        if (v instanceof List<?>) return "list";
        return v.getClass().getSimpleName();
    }

    private static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) return d.toMillis() + "ms";
        return d.toSeconds() + "s";
    }
}
