package org.civicpress.realtime.loadtest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.civicpress.ycrdt.lib0.Json;

/** Results of one run: a human-readable block and a single JSON line (prefixed RESULT_JSON). */
public record LoadReport(
        String scenario, String server, String protocol,
        int rooms, int clientsPerRoom, int writersPerRoom, double updatesPerSecond, double durationSeconds,
        int connected, int synced, long connectFailures, long closedByServer, long errors, long protocolErrors,
        long updatesSent, long deliveries, long echoes,
        double p50Ms, double p99Ms, double p999Ms, double maxMs,
        double serverCpuSeconds, double loadToolCpuSeconds,
        long serverRssKibBefore, long serverRssKibAfter,
        Map<String, Long> closeReasons) {

    public double deliveriesPerSecond() {
        return deliveries / durationSeconds;
    }

    /** Deliveries seen / deliveries expected (each update reaches every other client of its room). */
    public double deliveryRatio() {
        long expected = updatesSent * (long) (clientsPerRoom - 1);
        return expected == 0 ? 0 : deliveries / (double) expected;
    }

    /** Updates actually sent / the target rate over the window (below 1: the load tool fell behind). */
    public double sendRatio() {
        double target = rooms * (double) writersPerRoom * updatesPerSecond * durationSeconds;
        return target == 0 ? 0 : updatesSent / target;
    }

    public double cpuMicrosPerDelivery() {
        return deliveries == 0 ? 0 : serverCpuSeconds * 1e6 / deliveries;
    }

    public double cpuMicrosPerSentUpdate() {
        return updatesSent == 0 ? 0 : serverCpuSeconds * 1e6 / updatesSent;
    }

    public double rssKibPerConnection() {
        return connected == 0 || serverRssKibAfter < 0 ? 0 : (serverRssKibAfter - serverRssKibBefore) / (double) connected;
    }

    public String humanBlock() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "== %s on %s (%s) ==%n", scenario, server, protocol));
        sb.append(String.format(Locale.ROOT, "  load        %d rooms x %d clients, %d writers/room at %.1f updates/s, %.0f s measured%n",
                rooms, clientsPerRoom, writersPerRoom, updatesPerSecond, durationSeconds));
        sb.append(String.format(Locale.ROOT, "  connections %d connected, %d synced, %d connect failures, %d closed by server, %d errors, %d protocol errors%n",
                connected, synced, connectFailures, closedByServer, errors, protocolErrors));
        sb.append(String.format(Locale.ROOT, "  traffic     %d updates sent (%.1f%% of target), %d deliveries (%.1f/s, %.1f%% of expected), %d echoes%n",
                updatesSent, 100 * sendRatio(), deliveries, deliveriesPerSecond(), 100 * deliveryRatio(), echoes));
        sb.append(String.format(Locale.ROOT, "  latency     p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", p50Ms, p99Ms, p999Ms, maxMs));
        sb.append(String.format(Locale.ROOT, "  server cpu  %.2f s in window: %.1f us per delivery, %.1f us per sent update (load tool %.2f s)%n",
                serverCpuSeconds, cpuMicrosPerDelivery(), cpuMicrosPerSentUpdate(), loadToolCpuSeconds));
        if (serverRssKibBefore >= 0 && serverRssKibAfter >= 0) {
            sb.append(String.format(Locale.ROOT, "  server rss  %.1f MiB before, %.1f MiB after, %.1f KiB per connection%n",
                    serverRssKibBefore / 1024.0, serverRssKibAfter / 1024.0, rssKibPerConnection()));
        } else {
            sb.append("  server rss  n/a (no readable --server-pid)").append(System.lineSeparator());
        }
        if (!closeReasons.isEmpty()) {
            sb.append("  closes      ").append(closeReasons).append(System.lineSeparator());
        }
        return sb.toString();
    }

    public String jsonLine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenario", scenario);
        m.put("server", server);
        m.put("protocol", protocol);
        m.put("rooms", rooms);
        m.put("clientsPerRoom", clientsPerRoom);
        m.put("writersPerRoom", writersPerRoom);
        m.put("updatesPerSecond", updatesPerSecond);
        m.put("durationSeconds", durationSeconds);
        m.put("connected", connected);
        m.put("synced", synced);
        m.put("connectFailures", connectFailures);
        m.put("closedByServer", closedByServer);
        m.put("errors", errors);
        m.put("protocolErrors", protocolErrors);
        m.put("updatesSent", updatesSent);
        m.put("sendRatio", sendRatio());
        m.put("deliveries", deliveries);
        m.put("deliveriesPerSecond", deliveriesPerSecond());
        m.put("deliveryRatio", deliveryRatio());
        m.put("p50Ms", p50Ms);
        m.put("p99Ms", p99Ms);
        m.put("p999Ms", p999Ms);
        m.put("maxMs", maxMs);
        m.put("serverCpuSeconds", serverCpuSeconds);
        m.put("cpuMicrosPerDelivery", cpuMicrosPerDelivery());
        m.put("cpuMicrosPerSentUpdate", cpuMicrosPerSentUpdate());
        m.put("loadToolCpuSeconds", loadToolCpuSeconds);
        m.put("serverRssKibBefore", serverRssKibBefore);
        m.put("serverRssKibAfter", serverRssKibAfter);
        m.put("rssKibPerConnection", rssKibPerConnection());
        // 4 decimals are plenty for a benchmark and keep the lines short; NaN/infinity become null
        m.replaceAll((k, v) -> v instanceof Double d && Double.isFinite(d) ? Math.round(d * 1e4) / 1e4 : v);
        return "RESULT_JSON " + Json.stringify(m);
    }
}
