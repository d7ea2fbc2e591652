package org.civicpress.realtime.room;

import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Many clients typing at once: everything is echoed, in fewer journal writes than updates. */
class RoomGroupCommitLoadTest {
    private static final Logger log = LoggerFactory.getLogger(RoomGroupCommitLoadTest.class);
    private static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("RoomGroupCommitLoadTest", config());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void concurrentTypistsAreGroupCommittedAndEveryoneConverges() throws Exception {
        int clients = 5;
        int perClient = 400;
        ActorRef<Room.Command> room =
                kit.spawn(Room.create("load", fastSettings(), RoomServices.defaults(HookSystem.inProcess()), null));
        List<FakeClient> typists = new ArrayList<>();
        List<List<byte[]>> updates = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            FakeClient c = new FakeClient(kit, "c" + i);
            c.join(room);
            typists.add(c);
            updates.add(typedUpdates(100 + i, perClient));
        }
        // the first write is held until everything is sent, so batching does not depend on thread timing
        PersistenceTestKit journal = PersistenceTestKit.create(kit.system());
        RoomTestKit.HoldFirstWrite slowDb = new RoomTestKit.HoldFirstWrite();
        journal.withPolicy(slowDb);
        long start = System.nanoTime();
        for (int n = 0; n < perClient; n++) {
            for (int i = 0; i < clients; i++)
                typists.get(i).sendUpdate(room, updates.get(i).get(n));
        }
        slowDb.release();
        int frames = 0;
        for (FakeClient c : typists) {
            Doc replica = new Doc();
            while (replica.getText("t").length() < clients * perClient) {
                Y.applyUpdate(
                        replica,
                        assertInstanceOf(YMessage.SyncUpdate.class, c.next()).update());
                frames++;
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        int writes = journal.persistedInStorage("room|load").size();
        log.info(
                "{} updates from {} clients: {} journal writes, {} frames per client, all echoed in {} ms",
                clients * perClient,
                clients,
                writes,
                frames / clients,
                millis);
        assertEquals(2, writes, "the first update, then everything that arrived during its write");
    }

    @Test
    void sequentialRoundTripsAreFast() {
        int n = 500;
        ActorRef<Room.Command> room =
                kit.spawn(Room.create("latency", fastSettings(), RoomServices.defaults(HookSystem.inProcess()), null));
        FakeClient typist = new FakeClient(kit, "t");
        FakeClient watcher = new FakeClient(kit, "w");
        typist.join(room);
        watcher.join(room);
        List<byte[]> updates = typedUpdates(300, n);
        long start = System.nanoTime();
        for (byte[] u : updates) {
            typist.sendUpdate(room, u);
            typist.nextUpdate();
        }
        long micros = (System.nanoTime() - start) / 1000;
        log.info("{} sequential update round trips (in-memory journal, 2 connections): {} us each", n, micros / n);
        for (int i = 0; i < n; i++) watcher.nextUpdate();
    }
}
