package org.civicpress.realtime.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Linux {@code /proc} readings of the server under test: CPU time and resident memory. */
public final class ProcStats {
    private static final Path PROC = Path.of("/proc");
    private final long clockTicksPerSecond = clockTicks();

    /** CPU seconds (user + system) used so far by {@code pids} and every live descendant of them. */
    public double cpuSeconds(List<Long> pids) {
        Set<Long> all = withDescendants(pids);
        long ticks = 0;
        for (long pid : all) {
            long[] f = statFields(pid);
            if (f != null) {
                ticks += f[0] + f[1];
            }
        }
        return ticks / (double) clockTicksPerSecond;
    }

    /** VmRSS of one process in KiB; -1 when the process is gone or {@code /proc} is unreadable. */
    public long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * The kernel's count of connections dropped because a listen queue was full (TcpExt ListenOverflows in
     * /proc/net/netstat, machine-wide); -1 if unreadable. A storm that overflows the server's accept backlog
     * shows here: the dropped handshakes are retried by the client's TCP after 1 s, 3 s, 7 s...
     */
    public long listenOverflows() {
        try {
            List<String> lines = Files.readAllLines(PROC.resolve("net/netstat"), StandardCharsets.UTF_8);
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                String[] names = lines.get(i).split(" ");
                String[] values = lines.get(i + 1).split(" ");
                for (int j = 1; j < names.length && j < values.length; j++) {
                    if (names[0].equals("TcpExt:") && names[j].equals("ListenOverflows")) {
                        return Long.parseLong(values[j]);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public boolean isAlive(long pid) {
        return Files.isReadable(PROC.resolve(pid + "/stat"));
    }

    /** utime, stime, ppid of a process (stat fields 14, 15, 4), or null if it is gone. */
    private static long[] statFields(long pid) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        // The command name (field 2) may contain spaces and parentheses: fields start after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): field n is at f[n - 3].
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[1])};
    }

    private static Set<Long> withDescendants(List<Long> roots) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                long[] f = statFields(pid);
                if (f != null) {
                    children.computeIfAbsent(f[2], k -> new java.util.ArrayList<>())
                            .add(pid);
                }
            }
        } catch (IOException e) {
            return new HashSet<>(roots);
        }
        Set<Long> out = new HashSet<>();
        ArrayDeque<Long> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            long pid = todo.pop();
            if (out.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return out;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the Linux default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
