package org.civicpress.realtime.loadtest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.civicpress.ycrdt.lib0.Json;

/**
 * Results of one connection storm ({@code --storm-deadline}): every client connected at once; a client is
 * open once its WebSocket upgrade completed and the server's first sync message arrived. Open times are
 * counted from the storm's start (the first connect), for the clients open within the deadline; the
 * percentiles leave the others out, so read them together with {@code opened}. {@code failures}: connect
 * failures and server closes by reason, plus the clients still waiting at the deadline (no upgrade yet, or
 * upgraded without a sync message). The load tool's own share: its CPU over the storm's wall time and the
 * longest working stretch of its one-thread NIO loop (a stall there would add to every open time).
 */
public record StormReport(
        String scenario,
        String server,
        String protocol,
        int rooms,
        int clientsPerRoom,
        double deadlineSeconds,
        int upgraded,
        int opened,
        double p50Ms,
        double p99Ms,
        double maxMs,
        Map<String, Long> failures,
        double connectsIssuedMs,
        double wallSeconds,
        double serverCpuSeconds,
        double loadToolCpuSeconds,
        double loopThreadCpuSeconds,
        long listenOverflows,
        double loopLongestIterationMs,
        long serverRssKibBefore,
        long serverRssKibAfter) {

    public int clients() {
        return rooms * clientsPerRoom;
    }

    public boolean allOpened() {
        return opened == clients();
    }

    public String humanBlock() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "== %s on %s (%s) ==%n", scenario, server, protocol));
        sb.append(String.format(
                Locale.ROOT,
                "  storm       %d clients (%d rooms x %d) connecting at once, deadline %.0f s; connects issued in %.0f ms%n",
                clients(),
                rooms,
                clientsPerRoom,
                deadlineSeconds,
                connectsIssuedMs));
        sb.append(String.format(
                Locale.ROOT,
                "  opened      %d of %d within the deadline (%d upgraded); open time p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                opened,
                clients(),
                upgraded,
                p50Ms,
                p99Ms,
                maxMs));
        sb.append("  failures    ")
                .append(failures.isEmpty() ? "none" : failures.toString())
                .append(System.lineSeparator());
        sb.append(String.format(
                Locale.ROOT,
                "  backlog     %d connections dropped by a full listen queue during the storm (machine-wide"
                        + " TcpExt ListenOverflows; the client's TCP retries them after 1 s, 3 s, ...)%n",
                listenOverflows));
        sb.append(String.format(
                Locale.ROOT,
                "  cpu         server %.2f s, load tool %.2f s (its NIO loop thread %.2f s) over %.2f s"
                        + " (longest NIO loop iteration %.1f ms)%n",
                serverCpuSeconds,
                loadToolCpuSeconds,
                loopThreadCpuSeconds,
                wallSeconds,
                loopLongestIterationMs));
        if (serverRssKibBefore >= 0 && serverRssKibAfter >= 0) {
            sb.append(String.format(
                    Locale.ROOT,
                    "  server rss  %.1f MiB before, %.1f MiB after%n",
                    serverRssKibBefore / 1024.0,
                    serverRssKibAfter / 1024.0));
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
        m.put("clients", clients());
        m.put("deadlineSeconds", deadlineSeconds);
        m.put("upgraded", upgraded);
        m.put("opened", opened);
        m.put("allOpened", allOpened());
        m.put("openP50Ms", p50Ms);
        m.put("openP99Ms", p99Ms);
        m.put("openMaxMs", maxMs);
        m.put("failures", new LinkedHashMap<String, Object>(failures));
        m.put("connectsIssuedMs", connectsIssuedMs);
        m.put("wallSeconds", wallSeconds);
        m.put("serverCpuSeconds", serverCpuSeconds);
        m.put("loadToolCpuSeconds", loadToolCpuSeconds);
        m.put("loopThreadCpuSeconds", loopThreadCpuSeconds);
        m.put("listenOverflows", listenOverflows);
        m.put("loopLongestIterationMs", loopLongestIterationMs);
        m.put("serverRssKibBefore", serverRssKibBefore);
        m.put("serverRssKibAfter", serverRssKibAfter);
        m.replaceAll((k, v) -> v instanceof Double d && Double.isFinite(d) ? Math.round(d * 1e4) / 1e4 : v);
        return "RESULT_JSON " + Json.stringify(m);
    }
}
