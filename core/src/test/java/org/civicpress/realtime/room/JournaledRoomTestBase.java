package org.civicpress.realtime.room;

import static org.civicpress.realtime.room.RoomTestKit.config;

import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.civicpress.realtime.hooks.HookSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The lifecycle room tests on the in-memory journal share: one actor test kit with the persistence test kits per
 * test class, the journal and snapshots cleared after each test, a fresh room id (and its persistence id) before.
 */
abstract class JournaledRoomTestBase {
    static ActorTestKit kit;
    static PersistenceTestKit journal;
    static SnapshotTestKit snapshots;
    static HookSystem hooks;

    String roomId;
    String pid;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("RoomTests", config());
        journal = PersistenceTestKit.create(kit.system());
        snapshots = SnapshotTestKit.create(kit.system());
        hooks = HookSystem.inProcess();
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @AfterEach
    void reset() {
        journal.resetPolicy();
        journal.clearAll();
        snapshots.clearAll();
    }

    @BeforeEach
    void newRoomId() {
        roomId = "r-" + UUID.randomUUID();
        pid = "room|" + roomId;
    }
}
