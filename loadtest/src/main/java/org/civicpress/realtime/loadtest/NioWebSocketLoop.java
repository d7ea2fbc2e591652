package org.civicpress.realtime.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-threaded NIO event loop driving many client WebSockets (option {@code --client nio}, the
 * default). Everything that touches a connection runs on this thread: socket I/O, the load clients'
 * protocol handling and the writers' clock ({@link #setTicker}), so there are no locks on the hot path
 * and the load tool fits on one pinned core (flooding clients, when asked for, get a second loop: see
 * {@code LoadRun.nioConnector}).
 */
final class NioWebSocketLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NioWebSocketLoop.class);

    /**
     * Tasks (mostly connects) run per loop iteration before the ready sockets are served: a storm queues
     * thousands of connects at once, and running them all first would delay every handshake behind them.
     */
    private static final int MAX_TASKS_PER_ITERATION = 256;

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile Runnable ticker = () -> {};
    private volatile boolean running = true;
    /** Longest time one iteration spent working (tasks, ready sockets, ticker; not waiting in select). */
    private volatile long longestIterationNanos;

    NioWebSocketLoop(String threadName) throws IOException {
        selector = Selector.open();
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on the loop thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Called on the loop thread about every millisecond. */
    void setTicker(Runnable ticker) {
        this.ticker = ticker;
    }

    /** Opens a WebSocket to {@code uri} for {@code client}; {@code done} gets null or the failure. */
    void connect(URI uri, LoadClient client, Consumer<Throwable> done) {
        execute(() -> {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                int port = uri.getPort() > 0 ? uri.getPort() : 80;
                NioWebSocket ws = new NioWebSocket(this, channel, uri, client, done);
                SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT, ws);
                ws.attach(key);
                if (channel.connect(new InetSocketAddress(uri.getHost(), port))) {
                    ws.onConnectable();
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                done.accept(e);
            }
        });
    }

    /** The longest working stretch of one loop iteration so far, in nanoseconds (a stall of the tool). */
    long longestIterationNanos() {
        return longestIterationNanos;
    }

    /** CPU time the loop thread has used so far (what the tool itself spends on the sockets), nanoseconds. */
    long threadCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
    }

    private void loop() {
        boolean moreTasks = false;
        while (running) {
            try {
                if (moreTasks) {
                    selector.selectNow();
                } else {
                    selector.select(1);
                }
                long start = System.nanoTime();
                Runnable task;
                int n = 0;
                while (n < MAX_TASKS_PER_ITERATION && (task = tasks.poll()) != null) {
                    task.run();
                    n++;
                }
                moreTasks = !tasks.isEmpty();
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    NioWebSocket ws = (NioWebSocket) key.attachment();
                    ws.onReady(key);
                }
                ticker.run();
                longestIterationNanos = Math.max(longestIterationNanos, System.nanoTime() - start);
            } catch (IOException | RuntimeException e) {
                log.warn("event loop: {}", e.toString(), e);
            }
        }
    }

    static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already closed: nothing left to release
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5_000);
            for (SelectionKey key : selector.keys()) {
                closeQuietly((SocketChannel) key.channel());
            }
            selector.close();
        } catch (IOException e) {
            log.debug("closing the selector: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
