package org.civicpress.realtime.loadtest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Connection-level counters of one run, shared by all clients. */
public final class LoadCounters {
    final LongAdder opened = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder closedByServer = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder awarenessReceived = new LongAdder();
    final LongAdder updatesSent = new LongAdder();
    final LongAdder floodAwarenessSent = new LongAdder();
    private final Map<String, LongAdder> closeReasons = new ConcurrentHashMap<>();

    void noteCloseReason(String reason) {
        if (closeReasons.size() < 20 || closeReasons.containsKey(reason)) {
            closeReasons.computeIfAbsent(reason, r -> new LongAdder()).increment();
        }
    }

    Map<String, Long> closeReasons() {
        Map<String, Long> out = new java.util.TreeMap<>();
        closeReasons.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
