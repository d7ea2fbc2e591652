package org.civicpress.realtime.hooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.realtime.errors.JsonWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, file-based outbox of webhook deliveries under one directory:
 * <ul>
 *   <li>{@code outbox.log}: append-only text log, one record per line (tab-separated, free text in Base64):
 *   {@code E id eventId event url createdAtMillis payload} (enqueued, fsynced before {@code emit} returns),
 *   {@code A id attempts lastError} (an attempt failed), {@code D id} (delivered), {@code X id} (dead-lettered).
 *   Replaying it gives the pending entries; a torn last line (crash mid-write) is ignored.</li>
 *   <li>{@code dead-letter.log}: one JSON object per line for entries that exhausted their attempts.</li>
 *   <li>{@code outbox.lock}: an OS file lock so that two processes never drain the same outbox.</li>
 * </ul>
 * The log is rewritten with only the pending entries on open and when it grew large (atomic rename).
 * Secrets are never written: the target is identified by its URL.
 */
final class WebhookOutbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookOutbox.class);
    static final String LOG_FILE = "outbox.log";
    static final String DEAD_LETTER_FILE = "dead-letter.log";
    private static final String LOCK_FILE = "outbox.lock";
    private static final int COMPACT_AFTER_RECORDS = 10_000;

    /** One delivery of one event to one target. */
    record Entry(
            String id,
            String eventId,
            String event,
            String targetUrl,
            Instant createdAt,
            byte[] payload,
            int attempts,
            String lastError) {
        Entry withAttempt(int attempts, String error) {
            return new Entry(id, eventId, event, targetUrl, createdAt, payload, attempts, error);
        }
    }

    private final Path dir;
    private final Path logFile;
    private final Path deadLetterFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<String, Entry> pending = new LinkedHashMap<>();
    private FileChannel out;
    private int recordsSinceCompaction;
    /** Number of {@link #append} calls written to the log (guarded by this). */
    private long appended;
    /** Appends up to this number are fsynced; written under {@link #syncLock}, or by a compaction. */
    private volatile long durable;

    private final Object syncLock = new Object();
    private long fsyncs; // guarded by syncLock
    private boolean closed;

    private WebhookOutbox(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.logFile = dir.resolve(LOG_FILE);
        this.deadLetterFile = dir.resolve(DEAD_LETTER_FILE);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating if needed) the outbox in {@code dir}, replays it and compacts it. */
    static WebhookOutbox open(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel lockChannel =
                    FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                throw new IllegalStateException("Webhook outbox " + dir + " is in use by another dispatcher");
            }
            WebhookOutbox outbox = new WebhookOutbox(dir, lockChannel, lock);
            try {
                outbox.replay();
                outbox.compact();
            } catch (IOException | RuntimeException e) {
                outbox.close();
                throw e;
            }
            return outbox;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open webhook outbox " + dir, e);
        }
    }

    Path deadLetterFile() {
        return deadLetterFile;
    }

    synchronized List<Entry> pending() {
        return new ArrayList<>(pending.values());
    }

    synchronized Entry get(String id) {
        return pending.get(id);
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    /**
     * Appends new entries and returns once they are on disk (fsync): after this returns they survive a
     * crash. Group commit: the write happens under the outbox lock, the fsync outside it, and one fsync
     * covers every entry appended before it started, so threads appending at the same time share fsyncs
     * instead of queueing for one each.
     */
    void append(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) return;
        long mine;
        synchronized (this) {
            ensureOpen();
            StringBuilder lines = new StringBuilder();
            for (Entry e : entries) lines.append(enqueueLine(e));
            write(lines.toString());
            for (Entry e : entries) pending.put(e.id(), e);
            mine = ++appended;
        }
        syncThrough(mine);
    }

    private void syncThrough(long appendNo) throws IOException {
        synchronized (syncLock) {
            if (durable >= appendNo) return; // an fsync that started after our write covered it
            long upTo;
            FileChannel channel;
            synchronized (this) {
                ensureOpen();
                upTo = appended;
                channel = out;
            }
            try {
                channel.force(false);
            } catch (java.nio.channels.ClosedChannelException replaced) {
                // A compaction swapped the log file meanwhile; it fsynced everything appended before it.
                if (durable >= appendNo) return;
                throw replaced;
            }
            durable = Math.max(durable, upTo);
            fsyncs++;
        }
    }

    /** How many group-commit fsyncs {@link #append} made (tests check that concurrent appends share them). */
    long fsyncCount() {
        synchronized (syncLock) {
            return fsyncs;
        }
    }

    synchronized void recordAttempt(String id, int attempts, String error) {
        Entry e = pending.get(id);
        if (e == null || closed) return;
        pending.put(id, e.withAttempt(attempts, error));
        writeQuietly("A\t" + id + "\t" + attempts + "\t" + b64(error) + "\n");
    }

    synchronized void markDelivered(String id) {
        if (pending.remove(id) == null || closed) return;
        // Not fsynced: losing this mark only causes one duplicate delivery (receivers dedupe by event id).
        writeQuietly("D\t" + id + "\n");
        maybeCompact();
    }

    /** Moves an entry to the dead-letter file (fsynced), then marks it in the log. */
    synchronized void deadLetter(String id, String error) {
        Entry e = pending.get(id);
        if (e == null || closed) return;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("id", e.id());
        line.put("eventId", e.eventId());
        line.put("event", e.event());
        line.put("target", e.targetUrl());
        line.put("attempts", e.attempts());
        line.put("lastError", error);
        line.put("createdAt", e.createdAt().toString());
        line.put("deadAt", Instant.now().toString());
        line.put("payload", new String(e.payload(), StandardCharsets.UTF_8));
        try (FileChannel dl = FileChannel.open(
                deadLetterFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            dl.write(ByteBuffer.wrap((JsonWriter.write(line) + "\n").getBytes(StandardCharsets.UTF_8)));
            dl.force(true);
        } catch (IOException ex) {
            // Keep it pending: it will be retried (and dead-lettered again) after a restart.
            log.error("Cannot write webhook dead letter {} to {}", id, deadLetterFile, ex);
            return;
        }
        pending.remove(id);
        writeQuietly("X\t" + id + "\n");
        maybeCompact();
    }

    private void replay() throws IOException {
        if (!Files.exists(logFile)) return;
        byte[] all = Files.readAllBytes(logFile);
        String text = new String(all, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < text.length() - 1) {
            log.warn("Ignoring a torn last record ({} bytes) in {}", text.length() - end - 1, logFile);
        }
        if (end < 0) return;
        int lineNo = 0;
        for (String line : text.substring(0, end).split("\n")) {
            lineNo++;
            if (line.isEmpty()) continue;
            try {
                apply(line.split("\t", -1));
            } catch (RuntimeException ex) {
                log.warn("Skipping unreadable record at {}:{} ({})", logFile, lineNo, ex.toString());
            }
        }
        log.info("Webhook outbox {}: {} pending deliveries", dir, pending.size());
    }

    private void apply(String[] f) {
        switch (f[0]) {
            case "E" -> {
                require(f, 7);
                pending.put(
                        f[1],
                        new Entry(
                                f[1],
                                f[2],
                                unb64(f[3]),
                                unb64(f[4]),
                                Instant.ofEpochMilli(Long.parseLong(f[5])),
                                Base64.getDecoder().decode(f[6]),
                                0,
                                null));
            }
            case "A" -> {
                require(f, 4);
                Entry e = pending.get(f[1]);
                if (e != null) pending.put(f[1], e.withAttempt(Integer.parseInt(f[2]), unb64(f[3])));
            }
            case "D", "X" -> {
                require(f, 2);
                pending.remove(f[1]);
            }
            default -> throw new IllegalArgumentException("unknown record type '" + f[0] + "'");
        }
    }

    private static void require(String[] f, int n) {
        if (f.length != n) throw new IllegalArgumentException("expected " + n + " fields, got " + f.length);
    }

    /** Rewrites the log with only pending entries: temp file, fsync, atomic rename, fsync directory. */
    private void compact() throws IOException {
        if (out != null) out.close();
        Path tmp = dir.resolve(LOG_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            StringBuilder sb = new StringBuilder();
            for (Entry e : pending.values()) {
                sb.append(enqueueLine(e));
                if (e.attempts() > 0)
                    sb.append("A\t")
                            .append(e.id())
                            .append('\t')
                            .append(e.attempts())
                            .append('\t')
                            .append(b64(e.lastError()))
                            .append('\n');
            }
            ch.write(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, logFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory();
        durable = appended; // every pending entry is in the fsynced new file
        out = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        recordsSinceCompaction = 0;
    }

    private void maybeCompact() {
        if (recordsSinceCompaction < COMPACT_AFTER_RECORDS || pending.size() > COMPACT_AFTER_RECORDS / 10) return;
        try {
            compact();
        } catch (IOException e) {
            log.warn("Compacting webhook outbox {} failed; it keeps growing until the next start", logFile, e);
            try {
                if (out == null || !out.isOpen()) {
                    out = FileChannel.open(
                            logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                }
            } catch (IOException reopen) {
                log.error("Cannot reopen webhook outbox {}", logFile, reopen);
            }
        }
    }

    private void fsyncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("Directory fsync not supported for {}", dir); // e.g. on Windows; rename is still atomic
        }
    }

    private static String enqueueLine(Entry e) {
        return "E\t" + e.id() + "\t" + e.eventId() + "\t" + b64(e.event()) + "\t" + b64(e.targetUrl()) + "\t"
                + e.createdAt().toEpochMilli() + "\t" + Base64.getEncoder().encodeToString(e.payload()) + "\n";
    }

    /** Appends without fsync: enqueue records are fsynced by {@link #syncThrough}, the others need not be. */
    private void write(String lines) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) out.write(buf);
        recordsSinceCompaction++;
    }

    private void writeQuietly(String line) {
        try {
            write(line);
        } catch (IOException e) {
            // The entry stays pending on disk: at worst it is delivered once more after a restart.
            log.warn("Cannot append to webhook outbox {}", logFile, e);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) throw new IOException("Webhook outbox " + dir + " is closed");
    }

    private static String b64(String s) {
        return s == null ? "" : Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return s.isEmpty() ? null : new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (out != null) out.close();
        } catch (IOException e) {
            log.debug("Closing outbox log", e);
        }
        try {
            if (lock.isValid()) lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.debug("Releasing outbox lock", e);
        }
    }
}
