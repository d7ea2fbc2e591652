package org.civicpress.realtime.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
            connector.connect(URI.create(options.urlFor(client.room(), client.index())), client, error -> {
                pending.release();
                if (error != null) {
                    client.markConnectFailed();
                    counters.connectFailures.increment();
                    counters.noteCloseReason("connect failed: " + rootMessage(error));
                }
            });
        }
        if (!pending.tryAcquire(MAX_PENDING_HANDSHAKES, 60, TimeUnit.SECONDS)) {
            log.warn("some handshakes did not finish within 60 s");
        }
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
