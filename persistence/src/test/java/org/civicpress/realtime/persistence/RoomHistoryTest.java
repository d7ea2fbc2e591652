package org.civicpress.realtime.persistence;

import static org.civicpress.realtime.persistence.RoomJdbcTest.join;
import static org.civicpress.realtime.persistence.RoomJdbcTest.next;
import static org.civicpress.realtime.persistence.RoomJdbcTest.pekkoConfig;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.errors.HistoryNotRetainedError;
import org.civicpress.realtime.history.AsOf;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.civicpress.ycrdt.utils.TopLevelTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History read back from the real JDBC journal and snapshot store (H2): three users edit a room through the room
 * actor; the history names each update's user, the document as of every point and the diffs between points agree
 * with a Yjs replica captured at the same points, a rollback is a new journaled update attributed to the admin
 * that connected clients receive and that survives a restart, and what retention deleted answers 410.
 */
class RoomHistoryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Three editors sharing one replica history (each applies what the others did before editing). */
    private static final class Editors {
        final Doc[] docs = new Doc[3];
        final Doc replica = new Doc();

        Editors() {
            for (int i = 0; i < 3; i++) docs[i] = new Doc(DocOptions.defaults().withClientId(i + 1));
        }

        /** Editor i makes an edit; returns its update (applied to the replica and every other editor). */
        byte[] edit(int i, java.util.function.Consumer<Doc> change) {
            List<byte[]> out = new ArrayList<>();
            Runnable off = docs[i].onUpdate((u, origin, tr) -> out.add(u));
            change.accept(docs[i]);
            off.run();
            byte[] update = out.size() == 1 ? out.get(0) : Y.mergeUpdates(out);
            for (int j = 0; j < 3; j++) if (j != i) Y.applyUpdate(docs[j], update);
            Y.applyUpdate(replica, update);
            return update;
        }

        String json() {
            return AsOf.json(AsOf.rebuild(Y.encodeStateAsUpdate(replica), List.of()));
        }
    }

    @Test
    void historyAsOfDiffAndRollbackOnH2(@TempDir Path dataDir) throws Exception {
        withH2Kit(dataDir, kit -> {
            // snapshots every 3 updates, events kept for an hour: as-of starts from snapshots, history is complete
            RoomSettings settings = RoomSettings.defaults()
                    .withSnapshotEveryUpdates(3)
                    .withCleanupTimeout(Duration.ofMillis(500))
                    .withRetainEventsFor(Duration.ofHours(1));
            RoomServices services = RoomServices.defaults(HookSystem.inProcess());
            ActorRef<Room.Command> room = kit.spawn(Room.create("audited", settings, services, null));
            List<TestProbe<SocketOut.Written>> sockets = new ArrayList<>();
            for (String c : List.of("c1", "c2", "c3")) {
                TestProbe<SocketOut.Written> socket = join(kit, room, c);
                next(socket); // SyncStep1
                sockets.add(socket);
            }
            Editors editors = new Editors();
            List<String> jsonAt = new ArrayList<>();
            jsonAt.add("{}");
            List<java.util.function.Consumer<Doc>> edits = List.of(
                    d -> d.getText("t").insert(0, "Hello"),
                    d -> d.getMap("m").set("title", "Minutes"),
                    d -> d.getText("t").insert(5, " world"),
                    d -> d.getText("t").delete(0, 1),
                    d -> {
                        d.getMap("m").set("status", "draft");
                        d.getMap("m").delete("title");
                    },
                    d -> d.getText("t").insert(0, "h"),
                    d -> d.getArray("a").push(List.of(1L, "two")));
            for (int i = 0; i < edits.size(); i++) {
                int user = i % 3;
                byte[] update = editors.edit(user, edits.get(i));
                room.tell(new Room.FromClient("c" + (user + 1), SyncProtocol.encodeUpdate(update)));
                // every member receives it: one event per update (sent one at a time)
                for (TestProbe<SocketOut.Written> s : sockets) assertInstanceOf(YMessage.SyncUpdate.class, next(s));
                jsonAt.add(editors.json());
            }
            RoomHistory history = new RoomHistory(kit.system(), WAIT);
            RoomHistory.Page page = await(history.history("audited", 0, 100));
            List<RoomHistory.Entry> entries = page.entries();
            assertEquals(edits.size(), entries.size(), "one entry per update: " + entries);
            for (int i = 0; i < entries.size(); i++) {
                assertEquals("user-c" + (i % 3 + 1), entries.get(i).userId());
                assertEquals("c" + (i % 3 + 1), entries.get(i).connectionId());
            }
            // snapshot markers take sequence numbers too: map each entry to its event
            long[] seqOf = new long[edits.size() + 1];
            for (int i = 0; i < entries.size(); i++)
                seqOf[i + 1] = entries.get(i).sequenceNr();
            assertEquals(
                    Map.of("type", "text", "charactersInserted", 5L, "charactersDeleted", 0L),
                    entries.get(0).changes().get("t"));
            assertEquals(
                    Map.of("type", "map", "keysSet", List.of("title"), "keysRemoved", List.of()),
                    entries.get(1).changes().get("m"));
            assertEquals(
                    Map.of("type", "text", "charactersInserted", 0L, "charactersDeleted", 1L),
                    entries.get(3).changes().get("t"));
            assertEquals(
                    Map.of("type", "map", "keysSet", List.of("status"), "keysRemoved", List.of("title")),
                    entries.get(4).changes().get("m"));
            assertEquals(
                    Map.of("type", "array", "itemsInserted", 2L, "itemsDeleted", 0L),
                    entries.get(6).changes().get("a"));

            // paging: two entries at a time reach the same entries
            List<RoomHistory.Entry> paged = new ArrayList<>();
            long after = 0;
            for (int guard = 0; guard < 20; guard++) {
                RoomHistory.Page p = await(history.history("audited", after, 2));
                paged.addAll(p.entries());
                after = p.nextAfter();
                if (!p.more()) break;
            }
            assertEquals(entries, paged);

            // as-of every point agrees with the replica at that point, from snapshots where there are some
            boolean fromSnapshot = false;
            for (int i = 1; i <= edits.size(); i++) {
                RoomHistory.PointInTime point = await(history.documentAt("audited", seqOf[i]));
                assertEquals(jsonAt.get(i), AsOf.json(point.doc()), "as of update " + i);
                fromSnapshot |= point.snapshotSequenceNr() > 0;
            }
            assertTrue(fromSnapshot, "some points start from a snapshot");
            // a time: the document as of the time the fourth update was journaled
            long seq4 = await(history.sequenceNrAt(
                    "audited", Instant.ofEpochMilli(entries.get(3).journaledAtMillis())));
            assertTrue(seq4 >= seqOf[4] && seq4 < seqOf[5], "time maps to the fourth update's event: " + seq4);

            // diff from the second to the fifth update: " world" typed, "H" deleted, title removed, status set
            Map<String, Object> diff = await(history.diff("audited", seqOf[2], seqOf[5]));
            assertEquals(
                    List.of(Map.of("delete", "H"), Map.of("retain", 4L), Map.of("insert", " world")),
                    ((Map<?, ?>) diff.get("t")).get("delta"),
                    diff.toString());
            Map<?, ?> keys = (Map<?, ?>) ((Map<?, ?>) diff.get("m")).get("keys");
            assertEquals(Map.of("action", "delete", "oldValue", "Minutes"), keys.get("title"));
            assertEquals(Map.of("action", "add", "newValue", "draft"), keys.get("status"));

            // rollback to the second update: a new update every member receives, attributed to the admin
            byte[] target =
                    AsOf.update(await(history.documentAt("audited", seqOf[2])).doc());
            TestProbe<Room.Restored> reply = kit.createTestProbe();
            room.tell(new Room.RestoreTo(target, "admin-1", reply.getRef()));
            Room.Restored restored = reply.expectMessageClass(Room.Restored.class, WAIT);
            assertTrue(restored.changed());
            for (int i = 0; i < 3; i++) {
                Y.applyUpdate(
                        editors.docs[i],
                        assertInstanceOf(YMessage.SyncUpdate.class, next(sockets.get(i)))
                                .update());
                TopLevelTypes.inferAll(editors.docs[i]);
                assertEquals(
                        content(jsonAt.get(2)),
                        content(editors.docs[i].toJSONString()),
                        "client " + i + " sees the rolled back document");
            }
            RoomHistory.Page afterRollback = await(history.history("audited", seqOf[edits.size()], 10));
            RoomHistory.Entry rollback =
                    afterRollback.entries().get(afterRollback.entries().size() - 1);
            assertEquals("admin-1", rollback.userId());
            assertEquals(Room.ROLLBACK_CONNECTION_ID, rollback.connectionId());
            // the journal was not rewritten: every earlier point still reads the same
            assertEquals(
                    jsonAt.get(edits.size()),
                    AsOf.json(await(history.documentAt("audited", seqOf[edits.size()]))
                            .doc()));
            // rolling back to the same state again changes nothing
            room.tell(new Room.RestoreTo(target, "admin-1", reply.getRef()));
            assertFalse(reply.expectMessageClass(Room.Restored.class, WAIT).changed());

            // restart: the rolled back document is what the room recovers
            for (String c : List.of("c1", "c2", "c3")) room.tell(new Room.Leave(c));
            kit.createTestProbe().expectTerminated(room, WAIT);
            ActorRef<Room.Command> again = kit.spawn(Room.create("audited", settings, services, null));
            TestProbe<SocketOut.Written> fresh = join(kit, again, "c4");
            next(fresh);
            again.tell(new Room.FromClient("c4", SyncProtocol.encodeSyncStep1(new byte[] {0})));
            Doc recovered = AsOf.rebuild(
                    assertInstanceOf(YMessage.SyncStep2.class, next(fresh)).update(), List.of());
            assertEquals(content(jsonAt.get(2)), content(recovered.toJSONString()));
        });
    }

    /** Without history retention, what the snapshots cover is deleted and reading it answers 410. */
    @Test
    void deletedHistoryIsReportedNotGuessedOnH2(@TempDir Path dataDir) throws Exception {
        withH2Kit(dataDir, kit -> {
            RoomSettings settings =
                    RoomSettings.defaults().withSnapshotEveryUpdates(2).withCleanupTimeout(Duration.ofMillis(500));
            ActorRef<Room.Command> room =
                    kit.spawn(Room.create("forgetful", settings, RoomServices.defaults(HookSystem.inProcess()), null));
            TestProbe<SocketOut.Written> socket = join(kit, room, "c1");
            next(socket);
            Editors editors = new Editors();
            for (int i = 0; i < 6; i++) {
                String s = "x" + i;
                byte[] update = editors.edit(0, d -> d.getText("t").insert(0, s));
                room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(update)));
                next(socket);
            }
            RoomHistory history = new RoomHistory(kit.system(), WAIT);
            HistoryNotRetainedError error = awaitNotRetained(history, "forgetful", 1);
            long oldest = ((Number) error.details().get("oldestSequenceNr")).longValue();
            assertTrue(oldest >= 2, "oldest readable point " + oldest);
            // the latest document is still exact
            assertEquals(
                    editors.json(),
                    AsOf.json(await(history.documentAt("forgetful", Long.MAX_VALUE))
                            .doc()));
        });
    }

    @FunctionalInterface
    private interface KitBody {
        void run(ActorTestKit kit) throws Exception;
    }

    /** Runs {@code body} on an actor system with the JDBC journal and snapshot store on an H2 file database. */
    private static void withH2Kit(Path dataDir, KitBody body) throws Exception {
        DatabaseSettings db = DatabaseSettings.h2In(dataDir);
        SchemaCreator.ensureSchema(db);
        ActorTestKit kit = ActorTestKit.create("RoomHistoryTest", pekkoConfig(db));
        try {
            body.run(kit);
        } finally {
            ActorTestKit.shutdown(kit.system(), Duration.ofSeconds(30), false);
        }
    }

    /** Reads {@code seq} until retention has deleted it (the deletes run after the snapshot); the 410 error. */
    private static HistoryNotRetainedError awaitNotRetained(RoomHistory history, String roomId, long seq)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                await(history.documentAt(roomId, seq));
                Thread.sleep(100);
            } catch (CompletionException e) {
                return assertInstanceOf(HistoryNotRetainedError.class, e.getCause());
            }
        }
        return fail("sequence number " + seq + " of " + roomId + " still readable after " + WAIT);
    }

    /** A document's JSON as data, without the types a rollback emptied (an emptied array prints []). */
    private static Object content(String json) {
        Map<?, ?> map = new java.util.LinkedHashMap<>((Map<?, ?>) org.civicpress.ycrdt.lib0.Json.parse(json));
        map.remove("a"); // emptied by the rollback: prints [] or "" (gc'd content types as text, TopLevelTypes)
        return map;
    }

    /**
     * With history.retain_events, deletes stop at the newest snapshot saved longer ago than the period: events
     * younger than it stay readable, older ones go once a later snapshot is saved.
     */
    @Test
    void retentionPeriodKeepsRecentEventsAndDeletesOlderOnesOnH2(@TempDir Path dataDir) throws Exception {
        withH2Kit(dataDir, kit -> {
            RoomSettings settings = RoomSettings.defaults()
                    .withSnapshotEveryUpdates(2)
                    .withCleanupTimeout(Duration.ofSeconds(30))
                    .withRetainEventsFor(Duration.ofMillis(1500));
            ActorRef<Room.Command> room =
                    kit.spawn(Room.create("period", settings, RoomServices.defaults(HookSystem.inProcess()), null));
            TestProbe<SocketOut.Written> socket = join(kit, room, "c1");
            next(socket);
            Editors editors = new Editors();
            List<String> jsonAt = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String s = "a" + i;
                room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(editors.edit(0, d -> d.getText("t")
                        .insert(0, s)))));
                next(socket);
                jsonAt.add(editors.json());
            }
            RoomHistory history = new RoomHistory(kit.system(), WAIT);
            // snapshots at 2 and 4 were saved just now: within the period, nothing is deleted
            Thread.sleep(300);
            assertEquals(
                    jsonAt.get(0),
                    AsOf.json(await(history.documentAt("period", 1)).doc()));
            Thread.sleep(1600);
            for (int i = 4; i < 8; i++) {
                String s = "b" + i;
                room.tell(new Room.FromClient("c1", SyncProtocol.encodeUpdate(editors.edit(0, d -> d.getText("t")
                        .insert(0, s)))));
                next(socket);
                jsonAt.add(editors.json());
            }
            // the snapshot at 6 deleted up to the snapshot at 4 (saved more than the period ago), not further
            HistoryNotRetainedError error = awaitNotRetained(history, "period", 1);
            assertEquals(4L, ((Number) error.details().get("oldestSequenceNr")).longValue());
            for (int seq = 4; seq <= 8; seq++) {
                assertEquals(
                        jsonAt.get(seq - 1),
                        AsOf.json(await(history.documentAt("period", seq)).doc()),
                        "at " + seq);
            }
        });
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
