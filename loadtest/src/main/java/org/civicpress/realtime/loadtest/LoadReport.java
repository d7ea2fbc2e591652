package org.civicpress.realtime.loadtest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.civicpress.ycrdt.lib0.Json;

/**
 * Results of one run: a human-readable block and a single JSON line (prefixed RESULT_JSON). Traffic and
 * latency figures are those of the normal clients only (writers' updates reaching readers and writers);
 * flooding clients' figures are in {@link Flood}.
 */
public record LoadReport(
        String scenario,
        String server,
        String protocol,
        int rooms,
        int clientsPerRoom,
        int writersPerRoom,
        double updatesPerSecond,
        double durationSeconds,
        int connected,
        int synced,
        long connectFailures,
        long closedByServer,
        long errors,
        long protocolErrors,
        long updatesSent,
        long deliveries,
        long echoes,
        double p50Ms,
        double p99Ms,
        double p999Ms,
        double maxMs,
        double serverCpuSeconds,
        double loadToolCpuSeconds,
        long serverRssKibBefore,
        long serverRssKibAfter,
        Map<String, Long> closeReasons,
        List<Double> p99BySliceMs,
        double longestTickGapMs,
        Flood flood) {

    /**
     * The flooders' side (security issue 10): updates they wrote to their sockets, their own updates echoed
     * back (the server journaled them: its echo is the durable ack), their updates delivered to the normal
     * clients and that latency, and the normal writers' updates they received. {@code blockedShare}: share of
     * the flood clock's ticks that found a flooder's socket full, i.e. the server was reading it slower.
     */
    public record Flood(
            int flooders,
            String rate,
            int bytes,
            String room,
            boolean awareness,
            long sent,
            long awarenessSent,
            long echoed,
            long deliveredToNormal,
            double toNormalP50Ms,
            double toNormalP99Ms,
            long received,
            double receivedP50Ms,
            double receivedP99Ms,
            double blockedShare,
            List<Double> echoedBySlice,
            double longestTickMs) {
        public static final Flood NONE = new Flood(0, "", 0, "", false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), 0);
    }

    /** The flooders' updates the server accepted per second (echoed back to them), over the window. */
    public double floodEchoedPerSecond() {
        return flood.echoed() / durationSeconds;
    }

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
        return connected == 0 || serverRssKibAfter < 0
                ? 0
                : (serverRssKibAfter - serverRssKibBefore) / (double) connected;
    }

    public String humanBlock() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "== %s on %s (%s) ==%n", scenario, server, protocol));
        sb.append(String.format(
                Locale.ROOT,
                "  load        %d rooms x %d clients, %d writers/room at %.1f updates/s, %.0f s measured%n",
                rooms,
                clientsPerRoom,
                writersPerRoom,
                updatesPerSecond,
                durationSeconds));
        sb.append(String.format(
                Locale.ROOT,
                "  connections %d connected, %d synced, %d connect failures, %d closed by server, %d errors, %d protocol errors%n",
                connected,
                synced,
                connectFailures,
                closedByServer,
                errors,
                protocolErrors));
        sb.append(String.format(
                Locale.ROOT,
                "  traffic     %d updates sent (%.1f%% of target), %d deliveries (%.1f/s, %.1f%% of expected), %d echoes%n",
                updatesSent,
                100 * sendRatio(),
                deliveries,
                deliveriesPerSecond(),
                100 * deliveryRatio(),
                echoes));
        sb.append(String.format(
                Locale.ROOT,
                "  latency     p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                p50Ms,
                p99Ms,
                p999Ms,
                maxMs));
        sb.append(String.format(
                Locale.ROOT,
                "  server cpu  %.2f s in window: %.1f us per delivery, %.1f us per sent update (load tool %.2f s)%n",
                serverCpuSeconds,
                cpuMicrosPerDelivery(),
                cpuMicrosPerSentUpdate(),
                loadToolCpuSeconds));
        if (serverRssKibBefore >= 0 && serverRssKibAfter >= 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  server rss  %.1f MiB before, %.1f MiB after, %.1f KiB per connection%n",
                    serverRssKibBefore / 1024.0,
                    serverRssKibAfter / 1024.0,
                    rssKibPerConnection()));
        } else {
            sb.append("  server rss  n/a (no readable --server-pid)").append(System.lineSeparator());
        }
        if (p99BySliceMs.size() > 1) {
            StringBuilder slices = new StringBuilder();
            for (double v : p99BySliceMs) {
                slices.append(slices.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", v));
            }
            sb.append("  p99 by 10 s ").append(slices).append(" ms").append(System.lineSeparator());
        }
        if (longestTickGapMs > 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  load tool   longest gap between writer ticks %.0f ms (a stall of the tool itself adds to latency)%n",
                    longestTickGapMs));
        }
        if (flood.flooders() > 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  flooders    %d/room (%s room), rate %s, %d bytes/update%s: %d updates written (%.1f/s), "
                            + "%d echoed back (%.1f/s accepted), socket full in %.0f%% of ticks%n",
                    flood.flooders() / Math.max(1, rooms),
                    flood.room(),
                    flood.rate(),
                    flood.bytes(),
                    flood.awareness() ? " + awareness" : "",
                    flood.sent(),
                    flood.sent() / durationSeconds,
                    flood.echoed(),
                    floodEchoedPerSecond(),
                    100 * flood.blockedShare()));
            sb.append(String.format(
                    Locale.ROOT,
                    "  flood seen  %d flood updates reached normal clients (p50 %.1f ms, p99 %.1f ms after sending); "
                            + "flooders received %d normal updates (p50 %.2f ms, p99 %.2f ms)%n",
                    flood.deliveredToNormal(),
                    flood.toNormalP50Ms(),
                    flood.toNormalP99Ms(),
                    flood.received(),
                    flood.receivedP50Ms(),
                    flood.receivedP99Ms()));
            sb.append(String.format(
                    Locale.ROOT,
                    "  flood slice echoed per 10 s %s; longest flood tick %.1f ms%n",
                    flood.echoedBySlice(),
                    flood.longestTickMs()));
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
        m.put("p99BySliceMs", p99BySliceMs);
        m.put("longestTickGapMs", longestTickGapMs);
        m.put("flooders", flood.flooders());
        if (flood.flooders() > 0) {
            m.put("floodRate", flood.rate());
            m.put("floodBytes", flood.bytes());
            m.put("floodRoom", flood.room());
            m.put("floodAwareness", flood.awareness());
            m.put("floodSent", flood.sent());
            m.put("floodAwarenessSent", flood.awarenessSent());
            m.put("floodEchoed", flood.echoed());
            m.put("floodEchoedPerSecond", floodEchoedPerSecond());
            m.put("floodToNormal", flood.deliveredToNormal());
            m.put("floodToNormalP50Ms", flood.toNormalP50Ms());
            m.put("floodToNormalP99Ms", flood.toNormalP99Ms());
            m.put("floodReceived", flood.received());
            m.put("floodReceivedP50Ms", flood.receivedP50Ms());
            m.put("floodReceivedP99Ms", flood.receivedP99Ms());
            m.put("floodBlockedShare", flood.blockedShare());
            m.put("floodEchoedBySlice", flood.echoedBySlice());
            m.put("floodLongestTickMs", flood.longestTickMs());
        }
        // 4 decimals are plenty for a benchmark and keep the lines short; NaN/infinity become null
        m.replaceAll((k, v) -> v instanceof Double d && Double.isFinite(d) ? Math.round(d * 1e4) / 1e4 : v);
        return "RESULT_JSON " + Json.stringify(m);
    }
}
