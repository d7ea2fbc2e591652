package org.civicpress.ycrdt.conformance;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Collects named failures of one conformance step so a seed reports everything that differs at once. */
final class Checks {
    private final String context;
    private final List<String> failures = new ArrayList<>();

    Checks(String context) {
        this.context = context;
    }

    void tree(String what, Object expected, Object actual) {
        for (String d : Trees.diff(expected, actual)) {
            failures.add(what + ": " + d);
        }
    }

    void equal(String what, Object expected, Object actual) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            failures.add(what + ": expected " + Trees.show(expected) + " but was " + Trees.show(actual));
        }
    }

    void bytes(String what, byte[] expected, byte[] actual) {
        String d = bytesDiff(expected, actual);
        if (d != null) {
            failures.add(what + ": " + d);
        }
    }

    void fail(String what) {
        failures.add(what);
    }

    /** A state vector decoded by the engine vs the {client: clock} object from Yjs. */
    void stateVector(String what, Map<String, Object> expected, Map<Long, Long> actual) {
        Map<String, Double> a = new TreeMap<>();
        actual.forEach((c, k) -> a.put(String.valueOf(c), k.doubleValue()));
        Map<String, Object> e = new TreeMap<>(expected);
        tree(what, e, a);
    }

    /** Runs a step; an exception is recorded as a failure of that step instead of hiding the later ones. */
    void step(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | AssertionError e) {
            StackTraceElement[] st = e.getStackTrace();
            failures.add(what + " threw " + e + (st.length > 0 ? " at " + st[0] : ""));
        }
    }

    boolean ok() {
        return failures.isEmpty();
    }

    void assertOk() {
        if (!failures.isEmpty()) {
            throw new AssertionError(context + "\n  " + String.join("\n  ", failures));
        }
    }

    static String bytesDiff(byte[] e, byte[] a) {
        if (java.util.Arrays.equals(e, a)) {
            return null;
        }
        int i = 0;
        while (i < Math.min(e.length, a.length) && e[i] == a[i]) {
            i++;
        }
        return "bytes differ at index " + i + " (expected length " + e.length + ", actual " + a.length
                + ")\n      expected " + clip(Base64.getEncoder().encodeToString(e)) + "\n      actual   "
                + clip(Base64.getEncoder().encodeToString(a));
    }

    private static String clip(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
