package org.civicpress.realtime.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scenario against one server: ramp up the connections (rate limited), wait until every client
 * is synced, run the writers through warm-up, then measure for the configured window.
 */
public final class LoadRun {
    private static final Logger log = LoggerFactory.getLogger(LoadRun.class);
    private static final int MAX_PENDING_HANDSHAKES = 64;
    private static final long JDK_WRITER_TICK_MILLIS = 2;
    /** Normal clients' latency is also reported per slice of the window: a flood's burst shows in the first. */
    private static final long SLICE_NANOS = 10_000_000_000L;

    private final LoadOptions options;
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final LoadCounters counters = new LoadCounters();
    private final ProcStats proc = new ProcStats();
    private final List<LoadClient> clients = new ArrayList<>();

    public LoadRun(LoadOptions options) {
        this.options = options;
    }

    /** How sockets are opened, and which thread drives the writers. */
    private interface Connector extends AutoCloseable {
        void connect(URI uri, LoadClient client, Consumer<Throwable> done);

        /** Runs {@code writersTick} about every millisecond, and {@code floodTick} beside it (NIO: on the flooders' own loop). */
        void startTicker(Runnable writersTick, Runnable floodTick);

        /** The longest working stretch of the (first) NIO loop so far, 0 for the java.net.http client. */
        default long longestLoopIterationNanos() {
            return 0;
        }

        /** CPU time of the (first) NIO loop's thread so far, 0 for the java.net.http client. */
        default long loopThreadCpuNanos() {
            return 0;
        }

        @Override
        void close();
    }

    public LoadReport run() throws InterruptedException, IOException {
        long serverPid =
                options.serverPids().isEmpty() ? -1 : options.serverPids().get(0);
        long rssBefore = serverPid > 0 ? proc.rssKib(serverPid) : -1;
        try (Connector connector = options.client().equals("jdk") ? jdkConnector() : nioConnector()) {
            try {
                return measure(connector, serverPid, rssBefore);
            } finally {
                closeAll();
            }
        }
    }

    /**
     * A connection storm: every client connects at once (no pacing, no cap on handshakes in flight), as when a
     * node dies and its clients reconnect to the survivors; waits until every client is open or gone, or the
     * deadline passes.
     */
    public StormReport storm() throws InterruptedException, IOException {
        long serverPid =
                options.serverPids().isEmpty() ? -1 : options.serverPids().get(0);
        try (Connector connector = options.client().equals("jdk") ? jdkConnector() : nioConnector()) {
            try {
                return stormWith(connector, serverPid);
            } finally {
                closeAll();
            }
        }
    }

    private StormReport stormWith(Connector connector, long serverPid) throws InterruptedException {
        if (options.stormWarmupClients() > 0) {
            warmUpForStorm(connector, options.stormWarmupClients());
        }
        createClients();
        List<URI> uris = clients.stream().map(this::uri).toList();
        List<Long> pids = options.serverPids();
        List<Long> self = List.of(ProcessHandle.current().pid());
        long rssBefore = serverPid > 0 ? proc.rssKib(serverPid) : -1;
        double cpu0 = pids.isEmpty() ? 0 : proc.cpuSeconds(pids);
        double self0 = proc.cpuSeconds(self);
        long loop0 = connector.loopThreadCpuNanos();
        long overflows0 = proc.listenOverflows();
        log.info(
                "storm: {} clients connecting at once to {} ({} client)",
                clients.size(),
                options.urlFor(clients.get(0).room()),
                options.client());
        long start = System.nanoTime();
        for (int i = 0; i < clients.size(); i++) {
            LoadClient client = clients.get(i);
            connector.connect(uris.get(i), client, error -> noteConnectResult(client, error));
        }
        long issued = System.nanoTime() - start;
        long deadline = start + (long) (options.stormDeadlineSeconds() * 1e9);
        await(
                () -> clients.stream().allMatch(c -> c.firstSyncNanos() != 0 || c.isGone()),
                (deadline - System.nanoTime()) / 1e9);
        long end = Math.min(System.nanoTime(), deadline);
        double cpu1 = pids.isEmpty() ? 0 : proc.cpuSeconds(pids);
        double self1 = proc.cpuSeconds(self);
        long loop1 = connector.loopThreadCpuNanos();
        long overflows1 = proc.listenOverflows();
        long rssAfter = serverPid > 0 ? proc.rssKib(serverPid) : -1;

        LogLinearHistogram openMicros = new LogLinearHistogram();
        int upgraded = 0;
        long noUpgrade = 0;
        long noSync = 0;
        for (LoadClient c : clients) {
            long at = c.firstSyncNanos();
            if (c.isUpgraded()) {
                upgraded++;
            }
            if (at != 0 && at <= deadline) {
                openMicros.record((at - start) / 1_000);
            } else if (!c.isGone()) {
                if (c.isUpgraded()) {
                    noSync++;
                } else {
                    noUpgrade++;
                }
            }
        }
        Map<String, Long> failures = new TreeMap<>(counters.closeReasons());
        if (noUpgrade > 0) {
            failures.put("no upgrade by the deadline", noUpgrade);
        }
        if (noSync > 0) {
            failures.put("upgraded, no sync message by the deadline", noSync);
        }
        return new StormReport(
                options.scenario(),
                options.serverLabel(),
                options.protocolName(),
                options.rooms(),
                options.clientsPerRoom(),
                options.stormDeadlineSeconds(),
                upgraded,
                (int) openMicros.count(),
                openMicros.percentile(50) / 1e3,
                openMicros.percentile(99) / 1e3,
                openMicros.max() / 1e3,
                failures,
                issued / 1e6,
                (end - start) / 1e9,
                cpu1 - cpu0,
                self1 - self0,
                (loop1 - loop0) / 1e9,
                overflows0 < 0 || overflows1 < 0 ? -1 : overflows1 - overflows0,
                connector.longestLoopIterationNanos() / 1e6,
                rssBefore,
                rssAfter);
    }

    /**
     * A small storm of throw-away clients in rooms of their own before the measured one, closed again: a fresh
     * JVM runs the handshake and protocol code interpreted (and compiles it on the same pinned core), which
     * made the tool's first storm cost it ~1 ms of CPU per connection with stalls of over half a second.
     */
    private void warmUpForStorm(Connector connector, int count) throws InterruptedException {
        LoadCounters warmCounters = new LoadCounters();
        List<LoadClient> warm = new ArrayList<>();
        String prefix =
                "stormwarmup-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        for (int i = 0; i < count; i++) {
            warm.add(new LoadClient(
                    clients.size() + i, prefix + "-" + i / 20, false, options.protocol(), ledger, warmCounters));
        }
        long start = System.nanoTime();
        for (LoadClient c : warm) {
            connector.connect(URI.create(options.urlFor(c.room(), c.index())), c, error -> {
                if (error != null) {
                    c.markConnectFailed();
                }
            });
        }
        await(() -> warm.stream().allMatch(c -> c.firstSyncNanos() != 0 || c.isGone()), 30);
        long open = warm.stream().filter(c -> c.firstSyncNanos() != 0).count();
        try {
            CompletableFuture.allOf(warm.stream().map(LoadClient::close).toArray(CompletableFuture[]::new))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("not every warm-up close completed: {}", rootMessage(e));
        }
        log.info(
                "storm warm-up: {} of {} throw-away clients opened in {} ms, closed",
                open,
                count,
                (System.nanoTime() - start) / 1_000_000);
        Thread.sleep(1_000);
    }

    /** {@code --window-end-command}: e.g. a class histogram of the server while the connections are still open. */
    private void runWindowEndCommand() throws InterruptedException {
        String command = options.windowEndCommand();
        if (command == null || command.isBlank()) {
            return;
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("--window-end-command still running after 120 s: killed");
            } else if (p.exitValue() != 0) {
                log.warn("--window-end-command exited with {}", p.exitValue());
            }
        } catch (IOException e) {
            log.warn("--window-end-command: {}", e.toString());
        }
    }

    private LoadReport measure(Connector connector, long serverPid, long rssBefore) throws InterruptedException {
        connectAll(connector);
        int connected = (int) counters.opened.sum();
        boolean allSynced =
                await(() -> clients.stream().allMatch(c -> c.isSynced() || c.isGone()), options.syncTimeoutSeconds());
        int synced = (int) clients.stream().filter(LoadClient::isSynced).count();
        log.info(
                "{} of {} clients connected, {} synced{}",
                connected,
                clients.size(),
                synced,
                allSynced ? "" : " (sync timeout)");

        WriterClock writers =
                new WriterClock(clients.stream().filter(LoadClient::isWriter).toList(), options.updatesPerSecond());
        FloodClock flood =
                new FloodClock(clients.stream().filter(LoadClient::isFlooder).toList(), options.flood());
        if (options.writersPerRoom() > 0 || options.flood().perRoom() > 0) {
            connector.startTicker(writers::tick, flood::tick);
        }
        sleepSeconds(options.warmupSeconds());

        List<Long> pids = options.serverPids();
        List<Long> self = List.of(ProcessHandle.current().pid());
        double cpu0 = pids.isEmpty() ? 0 : proc.cpuSeconds(pids);
        double self0 = proc.cpuSeconds(self);
        long start = System.nanoTime();
        long windowNanos = (long) (options.durationSeconds() * 1e9);
        ledger.openWindow(start, start + windowNanos, SLICE_NANOS);
        // Flooders start with the window, so the window holds both the burst the server's token bucket lets
        // through at once and the shaped rate after it.
        flood.start();
        log.info(
                "measuring for {} s{}",
                options.durationSeconds(),
                flood.size() > 0 ? " with " + flood.size() + " flooder(s) sending from now" : "");
        sleepUntil(start + windowNanos);
        double cpu1 = pids.isEmpty() ? 0 : proc.cpuSeconds(pids);
        double self1 = proc.cpuSeconds(self);
        writers.stop();
        flood.stop();
        if (options.writersPerRoom() > 0) {
            writers.logStats();
        }
        if (flood.size() > 0) {
            log.info(
                    "flood clock: {} of {} flooder ticks found the socket full (TCP backpressure)",
                    flood.blockedTicks,
                    flood.readyTicks);
        }
        long rssAfter = serverPid > 0 ? proc.rssKib(serverPid) : -1;
        runWindowEndCommand();
        if (ledger.unknownIds() > 0) {
            log.warn("{} received markers match no update this run sent", ledger.unknownIds());
        }

        LogLinearHistogram h = ledger.latencyMicros();
        return new LoadReport(
                options.scenario(),
                options.serverLabel(),
                options.protocolName(),
                options.rooms(),
                options.clientsPerRoom(),
                options.writersPerRoom(),
                options.updatesPerSecond(),
                options.durationSeconds(),
                connected,
                synced,
                counters.connectFailures.sum(),
                counters.closedByServer.sum(),
                counters.errors.sum(),
                counters.protocolErrors.sum(),
                ledger.sentInWindow(),
                ledger.deliveredInWindow(),
                ledger.echoes(),
                h.percentile(50) / 1e3,
                h.percentile(99) / 1e3,
                h.percentile(99.9) / 1e3,
                h.max() / 1e3,
                cpu1 - cpu0,
                self1 - self0,
                rssBefore,
                rssAfter,
                counters.closeReasons(),
                sliceP99s(),
                writers.maxTickGapNanos / 1e6,
                floodReport(flood));
    }

    private List<Double> sliceP99s() {
        List<Double> out = new ArrayList<>();
        for (LogLinearHistogram h : ledger.latencyMicrosBySlice()) {
            out.add(h.percentile(99) / 1e3);
        }
        return out;
    }

    private LoadReport.Flood floodReport(FloodClock flood) {
        if (flood.size() == 0) {
            return LoadReport.Flood.NONE;
        }
        LogLinearHistogram toNormal = ledger.floodToNormalMicros();
        LogLinearHistogram toFlooder = ledger.normalToFlooderMicros();
        LoadOptions.Flood f = options.flood();
        return new LoadReport.Flood(
                flood.size(),
                f.unlimited() ? "max" : String.valueOf(f.rate()),
                f.bytes(),
                f.separateRoom() ? "separate" : "same",
                f.awareness(),
                ledger.floodSentInWindow(),
                counters.floodAwarenessSent.sum(),
                ledger.floodEchoes(),
                ledger.floodToNormal(),
                toNormal.percentile(50) / 1e3,
                toNormal.percentile(99) / 1e3,
                ledger.normalToFlooder(),
                toFlooder.percentile(50) / 1e3,
                toFlooder.percentile(99) / 1e3,
                flood.readyTicks == 0 ? 0 : flood.blockedTicks / (double) flood.readyTicks,
                Arrays.stream(ledger.floodEchoesBySlice())
                        .mapToObj(v -> (double) v)
                        .toList(),
                flood.longestTickNanos / 1e6);
    }

    private void connectAll(Connector connector) throws InterruptedException {
        createClients();
        // Rate-limited ramp, and a cap on handshakes in flight, so thousands of connects don't storm.
        Semaphore pending = new Semaphore(MAX_PENDING_HANDSHAKES);
        long interval = (long) (1e9 / options.connectRate());
        long next = System.nanoTime();
        log.info(
                "connecting {} clients at {}/s to {}{} ({} client)",
                clients.size(),
                options.connectRate(),
                options.urlFor(clients.get(0).room()),
                options.urlTemplates().size() > 1
                        ? " and " + (options.urlTemplates().size() - 1) + " more URL(s)"
                        : "",
                options.client());
        for (LoadClient client : clients) {
            sleepUntil(next);
            next += interval;
            pending.acquire();
            connector.connect(uri(client), client, error -> {
                pending.release();
                noteConnectResult(client, error);
            });
        }
        if (!pending.tryAcquire(MAX_PENDING_HANDSHAKES, 60, TimeUnit.SECONDS)) {
            log.warn("some handshakes did not finish within 60 s");
        }
    }

    private URI uri(LoadClient client) {
        return URI.create(options.urlFor(client.room(), client.index()));
    }

    private void noteConnectResult(LoadClient client, Throwable error) {
        if (error != null) {
            client.markConnectFailed();
            counters.connectFailures.increment();
            counters.noteCloseReason("connect failed: " + rootMessage(error));
        }
    }

    private void createClients() {
        String prefix = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        for (int r = 0; r < options.rooms(); r++) {
            String room = prefix + "-" + r;
            for (int c = 0; c < options.clientsPerRoom(); c++) {
                clients.add(new LoadClient(
                        clients.size(), room, c < options.writersPerRoom(), options.protocol(), ledger, counters));
            }
            LoadOptions.Flood flood = options.flood();
            for (int c = 0; c < flood.perRoom(); c++) {
                clients.add(new LoadClient(
                        clients.size(),
                        flood.separateRoom() ? room + "-flood" : room,
                        LoadClient.Role.FLOODER,
                        flood.bytes(),
                        options.protocol(),
                        ledger,
                        counters));
            }
        }
        boolean[] isFlooder = new boolean[clients.size()];
        for (LoadClient c : clients) {
            isFlooder[c.index()] = c.isFlooder();
        }
        ledger.setFlooders(isFlooder);
    }

    /** Each writer sends at a fixed rate from a random phase; {@link #tick} runs on one thread. */
    private static final class WriterClock {
        private final List<LoadClient> writers;
        private final long period;
        private final long[] due;
        private volatile boolean stopped;
        private long lastTick;
        private volatile long maxTickGapNanos;
        private volatile long skipped;

        WriterClock(List<LoadClient> writers, double updatesPerSecond) {
            this.writers = writers;
            this.period = (long) (1e9 / updatesPerSecond);
            this.due = new long[writers.size()];
            long now = System.nanoTime();
            for (int i = 0; i < due.length; i++) {
                due[i] = now + ThreadLocalRandom.current().nextLong(Math.max(1, period));
            }
        }

        void tick() {
            if (stopped) {
                return;
            }
            long t = System.nanoTime();
            if (lastTick != 0) {
                maxTickGapNanos = Math.max(maxTickGapNanos, t - lastTick);
            }
            lastTick = t;
            for (int i = 0; i < due.length; i++) {
                // Catch up without bursting when the thread was descheduled for a while.
                if (due[i] <= t) {
                    writers.get(i).sendMarkedInsert();
                    long next = due[i] + period;
                    if (next < t - period) {
                        skipped += (t - period - next) / period;
                        next = t - period;
                    }
                    due[i] = next;
                }
            }
        }

        void logStats() {
            log.info(
                    "writer clock: longest gap between ticks {} ms, {} sends skipped to catch up",
                    maxTickGapNanos / 1_000_000,
                    skipped);
        }

        void stop() {
            stopped = true;
        }
    }

    /**
     * Drives the flooders on the writers' thread: once {@link #start}ed, each flooder sends whenever its
     * socket has taken everything so far (and, with a rate, whenever one is due), up to a cap per tick so
     * the loop keeps serving the other clients.
     */
    private static final class FloodClock {
        private static final int MAX_PER_TICK = 64;
        private final List<LoadClient> flooders;
        private final LoadOptions.Flood flood;
        private final long period;
        private final long[] due;
        private volatile boolean started;
        private volatile boolean stopped;
        volatile long readyTicks;
        volatile long blockedTicks;
        /** Longest time one tick spent sending floods (a stall of the flooders' thread, or of the tool). */
        volatile long longestTickNanos;

        FloodClock(List<LoadClient> flooders, LoadOptions.Flood flood) {
            this.flooders = flooders;
            this.flood = flood;
            this.period = flood.unlimited() ? 0 : (long) (1e9 / flood.rate());
            this.due = new long[flooders.size()];
        }

        int size() {
            return flooders.size();
        }

        void start() {
            long now = System.nanoTime();
            Arrays.fill(due, now);
            started = true;
        }

        void stop() {
            stopped = true;
        }

        void tick() {
            if (!started || stopped) {
                return;
            }
            long now = System.nanoTime();
            try {
                sendDue(now);
            } finally {
                longestTickNanos = Math.max(longestTickNanos, System.nanoTime() - now);
            }
        }

        private void sendDue(long now) {
            for (int i = 0; i < due.length; i++) {
                LoadClient f = flooders.get(i);
                if (!f.isSynced() || f.isGone() || due[i] > now) {
                    continue;
                }
                readyTicks++;
                if (!f.canSendNow()) {
                    blockedTicks++;
                    continue;
                }
                for (int n = 0; n < MAX_PER_TICK && due[i] <= now && f.canSendNow(); n++) {
                    f.sendFloodUpdate(flood.awareness());
                    if (period > 0) {
                        // catch up at most one period: a rate, not a burst after the socket was full
                        due[i] = Math.max(due[i] + period, now - period);
                    }
                }
            }
        }
    }

    /**
     * Flooders get a loop (thread) of their own: sending a flood costs the tool CPU, and a stall while it
     * sends must not delay reading the normal clients' sockets, or the tool would add its own delay to the
     * very latency the flood benchmark measures.
     */
    private Connector nioConnector() throws IOException {
        NioWebSocketLoop loop = new NioWebSocketLoop("nio-websockets");
        NioWebSocketLoop floodLoop = options.flood().perRoom() > 0 ? new NioWebSocketLoop("nio-flooders") : loop;
        return new Connector() {
            @Override
            public void connect(URI uri, LoadClient client, Consumer<Throwable> done) {
                (client.isFlooder() ? floodLoop : loop).connect(uri, client, done);
            }

            @Override
            public void startTicker(Runnable writersTick, Runnable floodTick) {
                if (floodLoop == loop) {
                    loop.setTicker(() -> {
                        writersTick.run();
                        floodTick.run();
                    });
                } else {
                    loop.setTicker(writersTick);
                    floodLoop.setTicker(floodTick);
                }
            }

            @Override
            public long loopThreadCpuNanos() {
                return loop.threadCpuNanos();
            }

            @Override
            public long longestLoopIterationNanos() {
                return loop.longestIterationNanos();
            }

            @Override
            public void close() {
                loop.close();
                if (floodLoop != loop) {
                    floodLoop.close();
                }
            }
        };
    }

    private Connector jdkConnector() {
        ExecutorService listenerPool = Executors.newFixedThreadPool(2, daemon("ws-listener"));
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(daemon("writers"));
        List<HttpClient> http = new ArrayList<>();
        for (int i = 0; i < options.ioClients(); i++) {
            http.add(HttpClient.newBuilder()
                    .executor(listenerPool)
                    .connectTimeout(Duration.ofSeconds(30))
                    .build());
        }
        return new Connector() {
            private int n;

            @Override
            public void connect(URI uri, LoadClient client, Consumer<Throwable> done) {
                http.get(n++ % http.size())
                        .newWebSocketBuilder()
                        .connectTimeout(Duration.ofSeconds(30))
                        .buildAsync(uri, new JdkTransport(client))
                        .whenComplete((ws, e) -> done.accept(e));
            }

            @Override
            public void startTicker(Runnable writersTick, Runnable floodTick) {
                clock.scheduleAtFixedRate(
                        () -> {
                            writersTick.run();
                            floodTick.run();
                        },
                        0,
                        JDK_WRITER_TICK_MILLIS,
                        TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                clock.shutdownNow();
                listenerPool.shutdownNow();
            }
        };
    }

    private void closeAll() {
        List<CompletableFuture<Void>> closing =
                clients.stream().map(LoadClient::close).toList();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("not every close completed: {}", rootMessage(e));
        }
    }

    private static boolean await(BooleanSupplier condition, double timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (timeoutSeconds * 1e9);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static void sleepSeconds(double seconds) throws InterruptedException {
        sleepUntil(System.nanoTime() + (long) (seconds * 1e9));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
