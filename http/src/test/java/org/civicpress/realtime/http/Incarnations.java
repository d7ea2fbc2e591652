package org.civicpress.realtime.http;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Room incarnation lifetimes read from cluster nodes' logs: the room's "incarnation started" line (after
 * recovery) to its "incarnation stopped" line. One without a stop line ends when its JVM ended (kill -9: the
 * test's time once the process was gone), or is still live.
 */
final class Incarnations {
    private static final Pattern LINE =
            Pattern.compile("room (\\S+) incarnation (started|stopped): node=(\\S+) seqNr=(\\d+) at=(\\d+)");
    /** Start of a log line of the plain pattern: an ISO timestamp with offset. */
    private static final Pattern TIMESTAMP = Pattern.compile("(?m)^(\\d{4}-\\d\\d-\\d\\dT\\S+) ");

    /** {@code stoppedSeqNr} -1: no stop line (killed, or still live). */
    record Incarnation(String room, int node, long startedAt, long endedAt, long startSeqNr, long stoppedSeqNr) {
        boolean overlaps(Incarnation other) {
            return startedAt < other.endedAt && other.startedAt < endedAt;
        }

        @Override
        public String toString() {
            return room + "@node" + node + "[" + startedAt + ".." + (endedAt == Long.MAX_VALUE ? "live" : endedAt)
                    + ", seq " + startSeqNr + ".." + stoppedSeqNr + "]";
        }
    }

    private Incarnations() {}

    static List<Incarnation> of(ClusterNode node) throws IOException {
        List<String> launches = node.logPerLaunch();
        List<Incarnation> all = new ArrayList<>();
        for (int i = 0; i < launches.size(); i++) {
            long jvmEnd = node.lifetimes.get(i)[1];
            Map<String, long[]> open = new HashMap<>(); // room -> {startedAt, startSeqNr}
            Matcher m = LINE.matcher(launches.get(i));
            while (m.find()) {
                String room = m.group(1);
                long seqNr = Long.parseLong(m.group(4));
                long at = Long.parseLong(m.group(5));
                if (m.group(2).equals("started")) {
                    open.put(room, new long[] {at, seqNr});
                } else {
                    long[] started = open.remove(room);
                    if (started != null) {
                        all.add(new Incarnation(room, node.index, started[0], at, started[1], seqNr));
                    }
                }
            }
            open.forEach(
                    (room, started) -> all.add(new Incarnation(room, node.index, started[0], jvmEnd, started[1], -1)));
        }
        return all;
    }

    /** Wall-clock ms of the first line of {@code launchLog} containing {@code text}; -1 if none. */
    static long firstLogTime(String launchLog, String text) {
        for (String line : launchLog.split("\n")) {
            if (line.contains(text)) {
                Matcher m = TIMESTAMP.matcher(line);
                return m.find() ? OffsetDateTime.parse(m.group(1)).toInstant().toEpochMilli() : -1;
            }
        }
        return -1;
    }
}
