package org.civicpress.realtime.loadtest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Command-line parameters of one load run; {@link #parse} rejects anything unknown or out of range. */
public record LoadOptions(
        String urlTemplate,
        WireProtocol protocol,
        String protocolName,
        String scenario,
        String serverLabel,
        int rooms,
        int clientsPerRoom,
        int writersPerRoom,
        double updatesPerSecond,
        double warmupSeconds,
        double durationSeconds,
        double connectRate,
        double syncTimeoutSeconds,
        List<Long> serverPids,
        int ioClients,
        String client,
        Flood flood,
        double stormDeadlineSeconds,
        int stormWarmupClients,
        String windowEndCommand) {

    /**
     * Flooding clients (security issue 10): {@code perRoom} extra clients per room that join like any
     * y-websocket client and, once the measured window opens, send valid Yjs updates of {@code bytes} text
     * bytes (and, with {@code awareness}, an awareness update after each) as fast as the socket accepts them,
     * or at most {@code rate} per second ({@code 0} = no limit). {@code separateRoom}: they join a room of
     * their own next to each measured room instead of the measured room itself.
     */
    public record Flood(int perRoom, double rate, int bytes, boolean separateRoom, boolean awareness) {
        public static final Flood NONE = new Flood(0, 0, 0, false, false);

        public boolean unlimited() {
            return rate == 0;
        }
    }

    public static final String USAGE =
            """
            usage: java -jar realtime-loadtest.jar --url ws://127.0.0.1:3001/realtime/{room} [options]
              --url TEMPLATE[,T2]   WebSocket URL; {room} is replaced by the room id (omit it for Hocuspocus);
                                    several comma-separated URLs (cluster nodes): client i uses URL i mod n
              --protocol NAME       y-websocket (default) | hocuspocus
              --rooms R             rooms (default 1)
              --clients C           clients per room (default 10)
              --writers W           writers per room (default 1; 0 = idle connections)
              --rate U              updates per second per writer (default 5)
              --warmup S            seconds of load before measuring (default 5)
              --duration S          measured seconds (default 20)
              --connect-rate N      new connections per second during ramp-up (default 200)
              --sync-timeout S      seconds to wait for every client to be synced (default 120)
              --server-pid P[,P2]   server process(es) to read CPU (with descendants) and RSS (first pid)
              --scenario NAME       label in the report (default custom)
              --server NAME         server label in the report (default unknown)
              --client nio|jdk      socket implementation: one-thread NIO loop (default) or java.net.http
              --io-clients N        with --client jdk: java.net.http clients sharing the sockets (default 2)
              --flooders N          flooding clients per room besides --clients (default 0): from the start of
                                    the measured window they send valid updates as fast as the socket takes them
              --flood-rate R|max    at most R updates per second per flooder (default max)
              --flood-bytes B       text bytes per flooding update, besides its 16-byte marker (default 1024)
              --flood-room same|separate   flooders join the measured room (default) or a room of their own
              --flood-awareness 0|1 also send an awareness update after each flooding update (default 0)
              --storm-deadline S    connection storm instead of a load run: every client (--rooms x --clients,
                                    --writers 0) connects at once, no pacing; a client is open once its
                                    upgrade completed and the server's first sync message arrived; reports
                                    how many opened within S seconds, open-time percentiles, failures by kind
              --storm-warmup N      throw-away clients opened and closed first, so the tool's own code is
                                    compiled before the storm (default 500; 0 = none)
              --window-end-command CMD   run by `sh -c` right after the measured window's figures are read,
                                    before the connections close (e.g. a class histogram of the server)
            """;

    public static LoadOptions parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            if (!key.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got '" + key + "'");
            }
            m.put(key.substring(2), args[++i]);
        }
        List<String> known = List.of(
                "url",
                "protocol",
                "rooms",
                "clients",
                "writers",
                "rate",
                "warmup",
                "duration",
                "connect-rate",
                "sync-timeout",
                "server-pid",
                "scenario",
                "server",
                "io-clients",
                "client",
                "flooders",
                "flood-rate",
                "flood-bytes",
                "flood-room",
                "flood-awareness",
                "storm-deadline",
                "storm-warmup",
                "window-end-command");
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k);
            }
        }
        String url = m.get("url");
        if (url == null) {
            throw new IllegalArgumentException("--url ws://... is required");
        }
        for (String u : url.split(",", -1)) {
            if (!(u.startsWith("ws://") || u.startsWith("wss://"))) {
                throw new IllegalArgumentException("--url takes ws://... URLs, comma-separated, got '" + u + "'");
            }
        }
        String protocolName = m.getOrDefault("protocol", "y-websocket");
        int rooms = intIn(m, "rooms", 1, 1, 100_000);
        int clients = intIn(m, "clients", 10, 1, 100_000);
        int writers = intIn(m, "writers", 1, 0, clients);
        String client = m.getOrDefault("client", "nio");
        if (!client.equals("nio") && !client.equals("jdk")) {
            throw new IllegalArgumentException("--client must be nio or jdk, got '" + client + "'");
        }
        LoadOptions.Flood flood = parseFlood(m);
        double stormDeadline = doubleIn(m, "storm-deadline", 0, 0.1, 3_600);
        if (m.containsKey("storm-deadline") && (writers > 0 || flood.perRoom() > 0)) {
            throw new IllegalArgumentException(
                    "--storm-deadline measures connection opening only: give --writers 0 and no --flooders");
        }
        List<Long> pids = new ArrayList<>();
        for (String p : m.getOrDefault("server-pid", "").split(",")) {
            if (!p.isBlank()) {
                try {
                    pids.add(Long.parseLong(p.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "--server-pid takes comma-separated process ids, got '" + p + "'");
                }
            }
        }
        return new LoadOptions(
                url,
                WireProtocol.named(protocolName),
                protocolName,
                m.getOrDefault("scenario", "custom"),
                m.getOrDefault("server", "unknown"),
                rooms,
                clients,
                writers,
                doubleIn(m, "rate", 5, 0.01, 10_000),
                doubleIn(m, "warmup", 5, 0, 3_600),
                doubleIn(m, "duration", 20, 0.1, 86_400),
                doubleIn(m, "connect-rate", 200, 1, 100_000),
                doubleIn(m, "sync-timeout", 120, 1, 3_600),
                List.copyOf(pids),
                intIn(m, "io-clients", 2, 1, 64),
                client,
                flood,
                stormDeadline,
                intIn(m, "storm-warmup", 500, 0, 100_000),
                m.get("window-end-command"));
    }

    private static Flood parseFlood(Map<String, String> m) {
        int perRoom = intIn(m, "flooders", 0, 0, 1_000);
        String rawRate = m.getOrDefault("flood-rate", "max");
        double rate = rawRate.equals("max") ? 0 : doubleIn(m, "flood-rate", 0, 0.01, 1_000_000);
        int bytes = intIn(m, "flood-bytes", 1024, 0, 1 << 20);
        String room = m.getOrDefault("flood-room", "same");
        if (!room.equals("same") && !room.equals("separate")) {
            throw new IllegalArgumentException("--flood-room must be same or separate, got '" + room + "'");
        }
        String awareness = m.getOrDefault("flood-awareness", "0");
        if (!awareness.equals("0") && !awareness.equals("1")) {
            throw new IllegalArgumentException("--flood-awareness must be 0 or 1, got '" + awareness + "'");
        }
        return new Flood(perRoom, rate, bytes, room.equals("separate"), awareness.equals("1"));
    }

    /** A connection storm ({@code --storm-deadline}) instead of a load run. */
    public boolean storm() {
        return stormDeadlineSeconds > 0;
    }

    public int totalClients() {
        return rooms * clientsPerRoom;
    }

    /** The URL templates of {@code --url}, in order (one per cluster node, or just one). */
    public List<String> urlTemplates() {
        return List.of(urlTemplate.split(","));
    }

    /** The first URL's address of a room (for log lines). */
    public String urlFor(String room) {
        return urlFor(room, 0);
    }

    /**
     * Client {@code clientIndex} of the run connects to URL {@code clientIndex mod n}: round-robin, so the
     * clients of every room (and a room's writers) are spread over all nodes and fan-out crosses nodes.
     */
    public String urlFor(String room, int clientIndex) {
        List<String> urls = urlTemplates();
        return urls.get(Math.floorMod(clientIndex, urls.size())).replace("{room}", room);
    }

    private static int intIn(Map<String, String> m, String key, int dflt, int min, int max) {
        double v = doubleIn(m, key, dflt, min, max);
        if (v != Math.rint(v)) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got " + m.get(key));
        }
        return (int) v;
    }

    private static double doubleIn(Map<String, String> m, String key, double dflt, double min, double max) {
        String raw = m.get(key);
        if (raw == null) {
            return dflt;
        }
        double v;
        try {
            v = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, got '" + raw + "'");
        }
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("--" + key + " must be within [" + min + ", " + max + "], got " + raw);
        }
        return v;
    }
}
