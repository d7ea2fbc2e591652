package org.civicpress.realtime.http;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.persistence.snapshot.local.LocalSnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko's local snapshot store, made durable: the built-in one writes {@code <name>tmp} and renames it, but
 * never fsyncs and ignores a failed rename. Rooms delete journal events once a snapshot is reported saved, so
 * a snapshot must be on disk before that report: fsync the file, rename atomically (failing loudly), fsync
 * the directory so the rename itself survives a power loss. Loading, listing and deletion stay Pekko's.
 */
public final class FsyncedLocalSnapshotStore extends LocalSnapshotStore {
    private static final Logger log = LoggerFactory.getLogger(FsyncedLocalSnapshotStore.class);

    public FsyncedLocalSnapshotStore(Config config) {
        super(config);
        log.info(
                "Snapshot store: files under {} (fsync, atomic rename)",
                Path.of(config.getString("dir")).toAbsolutePath());
    }

    @Override
    public void save(SnapshotMetadata metadata, Object snapshot) {
        Path tmp = snapshotFileForWrite(metadata, "tmp").toPath();
        Path target = snapshotFileForWrite(metadata, "").toPath();
        try {
            try (FileChannel channel = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                serialize(out, new Snapshot(snapshot));
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("could not save snapshot " + target, e);
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
