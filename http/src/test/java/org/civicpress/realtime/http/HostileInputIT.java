package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.civicpress.realtime.protocol.AwarenessProtocol;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hostile input against the real server process (docs/security.md, "Hostile input and limits"). A real
 * y-websocket editor (node) works in the room throughout. Every attack runs on its own raw WebSocket
 * (java.net.http) and must: close ONLY that socket, with its documented code; leave the room's document
 * byte-identical (the server's own encoding of it, fetched with a SyncStep1 before and after); and not slow
 * the editor (p99 of its edit-to-echo latency while attacks run, against a quiet baseline).
 */
class HostileInputIT {
    private static final Logger log = LoggerFactory.getLogger(HostileInputIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_DOCUMENT = 256 * 1024;
    private static final int MAX_PENDING = 16 * 1024;
    private static final int MAX_AWARENESS = 4096;

    @TempDir
    static Path dataDir;

    private static ServerProcess server;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start(
                dataDir,
                ServerProcess.freePort(),
                Map.of(
                        "REALTIME_ROOMS_MAX_DOCUMENT_BYTES", Integer.toString(MAX_DOCUMENT),
                        "REALTIME_ROOMS_MAX_PENDING_BYTES", Integer.toString(MAX_PENDING),
                        "REALTIME_WEBSOCKET_MAX_AWARENESS_BYTES", Integer.toString(MAX_AWARENESS),
                        // Below the number of editors: y-websocket clients echo each other's awareness, which must not
                        // count.
                        "REALTIME_WEBSOCKET_MAX_AWARENESS_CLIENTS", "2",
                        "REALTIME_WEBSOCKET_MAX_MESSAGE_BYTES", Integer.toString(4 * 1024 * 1024),
                        "REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND", "1000",
                        "REALTIME_RATE_LIMITING_CONNECTIONS_PER_IP", "1000"),
                "hostile-input");
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** One hostile input: what it sends on a fresh socket and the close code it must get. */
    record Attack(String name, int expectedCode, String reasonPrefix, List<Object> frames) {
        static Attack binary(String name, int code, String reasonPrefix, byte[]... frames) {
            return new Attack(name, code, reasonPrefix, List.of((Object[]) frames));
        }
    }

    static List<Attack> attacks() {
        List<Attack> attacks = new ArrayList<>();
        attacks.add(new Attack("text frame", 4400, "text messages", List.of("hello")));
        attacks.add(Attack.binary("empty binary frame", 4400, "empty frame", new byte[0]));
        attacks.add(Attack.binary("unknown message type", 4400, "unknown message type", hex("09")));
        attacks.add(Attack.binary("unknown sync message type", 4400, "unknown sync", hex("0007")));
        attacks.add(Attack.binary("truncated varint", 4400, "malformed", hex("ffffffffffffffffffff7f")));
        attacks.add(Attack.binary("varint over 2^53", 4400, "malformed", hex("00ffffffffffffffff7f")));
        attacks.add(Attack.binary("payload length beyond the frame", 4400, "malformed", hex("0002ffffffff07010203")));
        attacks.add(Attack.binary("truncated state vector", 4400, "malformed", hex("000005010203")));
        attacks.add(Attack.binary("garbage state vector", 4400, "invalid state vector", hex("000003ffffff")));
        attacks.add(Attack.binary(
                "update declaring 2^40 clients",
                4400,
                "invalid Yjs update",
                update(enc -> enc.writeVarUint(1L << 40))));
        attacks.add(Attack.binary("update declaring 2^32 structs", 4400, "invalid Yjs update", update(enc -> {
            enc.writeVarUint(1);
            enc.writeVarUint(1L << 32);
            enc.writeVarUint(77);
            enc.writeVarUint(0);
        })));
        attacks.add(
                Attack.binary("string content declaring 1 GiB in 2 bytes", 4400, "invalid Yjs update", update(enc -> {
                    itemHeader(enc, 78, 0, 4); // ContentString
                    enc.writeVarUint(1L << 30);
                    enc.writeUint8('a');
                    enc.writeUint8('b');
                })));
        attacks.add(Attack.binary("clock beyond 2^53", 4400, "invalid Yjs update", update(enc -> {
            enc.writeVarUint(1);
            enc.writeVarUint(1);
            enc.writeVarUint(79);
            enc.writeVarUint(1L << 53);
            enc.writeUint8(0); // GC
            enc.writeVarUint(1);
            enc.writeVarUint(0);
        })));
        attacks.add(Attack.binary("clock + length beyond 2^53", 4400, "invalid Yjs update", update(enc -> {
            enc.writeVarUint(1);
            enc.writeVarUint(1);
            enc.writeVarUint(80);
            enc.writeVarUint((1L << 53) - 10);
            enc.writeUint8(0); // GC
            enc.writeVarUint(100);
            enc.writeVarUint(0);
        })));
        attacks.add(Attack.binary(
                "delete range beyond 2^53",
                4400,
                "invalid Yjs update",
                frame(hex("00" + "01" + "51" + "01" + "f0ffffffffffff0f" + "ff01"))));
        attacks.add(Attack.binary("Any nested 5000 deep", 4400, "invalid Yjs update", update(enc -> {
            itemHeader(enc, 81, 0, 8); // ContentAny
            enc.writeVarUint(1);
            for (int i = 0; i < 5000; i++) {
                enc.writeUint8(117); // array of one
                enc.writeVarUint(1);
            }
            enc.writeUint8(126); // null
        })));
        attacks.add(Attack.binary(
                "awareness JSON nested 1500 deep",
                4400,
                "malformed awareness",
                awareness(82, "[".repeat(1500) + "]".repeat(1500))));
        attacks.add(
                Attack.binary("awareness that is not JSON", 4400, "malformed awareness", awareness(83, "{\"user\":")));
        attacks.add(Attack.binary(
                "awareness state of 1 MiB",
                4429,
                "awareness state size limit",
                awareness(84, "{\"user\":\"" + "x".repeat(1024 * 1024) + "\"}")));
        attacks.add(Attack.binary(
                "awareness declaring a million entries",
                4400,
                "awareness update declares",
                AwarenessProtocol.wrapUpdate(hex("c0843d0101"))));
        attacks.add(Attack.binary("auth message with a truncated varint", 4400, "malformed", hex("02ffffffff")));
        attacks.add(
                Attack.binary("auth message with a string longer than the frame", 4400, "malformed", hex("02007f78")));
        attacks.add(Attack.binary(
                "document over rooms.max_document_bytes",
                4429,
                "document size limit",
                frame(insertsBy(85, 1, MAX_DOCUMENT + 1024).get(0))));
        attacks.add(Attack.binary(
                "one update waiting for a dependency that never comes, over the pending limit",
                4429,
                "pending updates limit",
                frame(insertsBy(86, 2, MAX_PENDING + 1024).get(1))));
        return attacks;
    }

    @Test
    void everyHostileInputClosesOnlyItsSenderLeavesTheDocumentByteIdenticalAndNeverStallsTheRoom() throws Exception {
        String room = "hostile-room";
        try (NodeClient editor = NodeClient.editor("hostile-editor", "honest", server.wsBase(), room, 50);
                NodeClient watcher1 = NodeClient.editor("hostile-watcher-1", "watcher1", server.wsBase(), room, 50);
                NodeClient watcher2 = NodeClient.editor("hostile-watcher-2", "watcher2", server.wsBase(), room, 50)) {
            watcher1.await("synced", WAIT);
            watcher2.await("synced", WAIT);
            NodeClient.startTyping(List.of(editor), WAIT);
            Poll.until(WAIT, Duration.ofMillis(200), () -> NodeClient.fewerConfirmedThan(List.of(editor), 20));

            // 1. Each attack with the editor paused: the document must be byte-identical before and after.
            editor.send("stop");
            editor.await("stopped", WAIT);
            awaitAllConfirmed(editor);
            for (Attack attack : attacks()) {
                byte[] before = serverState(room);
                RawClient attacker = RawClient.connect(server.wsBase() + "/" + room);
                attacker.sendAll(attack.frames());
                RawClient.Close close = attacker.awaitClose();
                assertEquals(attack.expectedCode(), close.code(), attack.name() + ": " + close);
                assertTrue(close.reason().startsWith(attack.reasonPrefix()), attack.name() + ": reason " + close);
                assertArrayEquals(before, serverState(room), attack.name() + ": document changed");
                assertTrue(editor.report().path("connected").asBoolean(), attack.name() + ": editor disconnected");
            }

            // 2. Editing latency of the honest editor: quiet, then while attacks run back to back.
            int typedBefore = editor.report().path("typed").size();
            editor.send("start");
            Thread.sleep(6000);
            int typedQuiet = editor.report().path("typed").size();
            long attackUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int attacksRun = 0;
            List<Attack> all = attacks();
            while (System.nanoTime() < attackUntil) {
                Attack attack = all.get(attacksRun++ % all.size());
                RawClient attacker = RawClient.connect(server.wsBase() + "/" + room);
                attacker.sendAll(attack.frames());
                assertEquals(attack.expectedCode(), attacker.awaitClose().code(), attack.name());
            }
            int typedAttack = editor.report().path("typed").size();
            editor.send("stop");
            editor.await("stopped", WAIT);
            awaitAllConfirmed(editor);
            List<Long> latencies = new ArrayList<>();
            editor.report().path("latencies").forEach(l -> latencies.add(l.asLong()));
            long quietP99 = percentile(latencies.subList(typedBefore, typedQuiet), 0.99);
            long attackP99 = percentile(latencies.subList(typedQuiet, typedAttack), 0.99);
            log.info(
                    "honest editor edit->echo p50/p99: {}/{} ms quiet ({} edits), {}/{} ms under {} attacks ({} edits)",
                    percentile(latencies.subList(typedBefore, typedQuiet), 0.5),
                    quietP99,
                    typedQuiet - typedBefore,
                    percentile(latencies.subList(typedQuiet, typedAttack), 0.5),
                    attackP99,
                    attacksRun,
                    typedAttack - typedQuiet);
            assertTrue(attacksRun > all.size(), "attacks ran: " + attacksRun);
            assertTrue(
                    attackP99 <= Math.max(4 * quietP99, quietP99 + 500),
                    "p99 " + attackP99 + " ms under attack vs " + quietP99 + " ms quiet");

            // 3. The room holds exactly the honest editor's document: nothing of any attack got in.
            editor.send("state");
            JsonNode state = editor.await("state", WAIT);
            byte[] editorState = Base64.getDecoder().decode(state.path("update").asText());
            assertArrayEquals(
                    reencoded(editorState),
                    reencoded(serverState(room)),
                    "server document == the honest editor's document");
            Map<Long, Long> clients = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(serverState(room)));
            assertEquals(
                    Map.of(
                            state.path("clientID").asLong(),
                            clients.get(state.path("clientID").asLong())),
                    clients,
                    "only the honest editor ever wrote");

            // 4. A stream of updates whose dependencies never arrive stops at the pending limit.
            List<byte[]> orphans = insertsBy(90, 60, 1000).subList(1, 60);
            RawClient attacker = RawClient.connect(server.wsBase() + "/" + room);
            int accepted = 0;
            byte[] before = serverState(room);
            for (byte[] orphan : orphans) {
                attacker.sendAll(List.of(frame(orphan)));
                if (!attacker.awaitEchoOrClose()) {
                    break;
                }
                accepted++;
                before = serverState(room);
            }
            RawClient.Close close = attacker.awaitClose();
            assertEquals(4429, close.code(), close.toString());
            assertTrue(close.reason().startsWith("pending updates limit"), close.toString());
            assertTrue(accepted > 0 && accepted <= MAX_PENDING / 1000, accepted + " pending updates accepted");
            assertArrayEquals(before, serverState(room), "the refused one changed nothing");
            assertTrue(editor.report().path("connected").asBoolean());
            log.info("pending stream: {} orphan updates of ~1 KB accepted, the next refused with 4429", accepted);

            // 5. Three real y-websocket clients, websocket.max_awareness_clients = 2: nobody was closed, and
            // everyone sees the others' awareness (their echoes of each other's states did not count).
            for (NodeClient client : List.of(editor, watcher1, watcher2)) {
                JsonNode report = client.report();
                assertEquals(0, report.path("closes").size(), client.name() + " was closed: " + report.path("closes"));
                assertEquals(2, report.path("users").size(), client.name() + " sees " + report.path("users"));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void awaitAllConfirmed(NodeClient editor) throws Exception {
        Poll.until(WAIT, Duration.ofMillis(100), () -> {
            JsonNode r = editor.report();
            return Poll.unless(r.path("typed").size() == r.path("confirmed").size(), () -> "unconfirmed edits");
        });
    }

    private static long percentile(List<Long> latencies, double p) {
        assertTrue(latencies.size() >= 20, "too few edits measured: " + latencies.size());
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        assertTrue(sorted.get(0) >= 0, "unconfirmed edit");
        return sorted.get((int) Math.ceil(sorted.size() * p) - 1);
    }

    /** The server's encoding of the whole room document: the SyncStep2 it answers to an empty SyncStep1. */
    private static byte[] serverState(String room) throws Exception {
        RawClient reader = RawClient.connect(server.wsBase() + "/" + room);
        reader.sendAll(List.of(SyncProtocol.encodeSyncStep1(new byte[] {0})));
        byte[] step2 = reader.awaitSyncStep2();
        reader.close();
        return step2;
    }

    /** The same document encoded by one encoder, so two encodings of one document compare byte for byte. */
    private static byte[] reencoded(byte[] update) {
        Doc doc = new Doc();
        Y.applyUpdate(doc, update);
        return Y.encodeStateAsUpdate(doc);
    }

    /** {@code count} inserts of {@code chars} characters at the end of Y.Text "content" by one client. */
    private static List<byte[]> insertsBy(long clientId, int count, int chars) {
        Doc doc = new Doc(DocOptions.defaults().withClientId(clientId));
        List<byte[]> updates = new ArrayList<>();
        doc.onUpdate((u, origin, tr) -> updates.add(u));
        for (int i = 0; i < count; i++) {
            doc.getText("content").insert(doc.getText("content").length(), "y".repeat(chars));
        }
        return updates;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static byte[] frame(byte[] update) {
        return SyncProtocol.encodeUpdate(update);
    }

    /** A sync Update frame around a hand-made v1 update (then an empty delete set). */
    private static byte[] update(java.util.function.Consumer<Encoder> body) {
        Encoder enc = new Encoder();
        body.accept(enc);
        enc.writeVarUint(0);
        return frame(enc.toUint8Array());
    }

    /** One client, one struct at {@code clock}: an Item without origins in root type "content". */
    private static void itemHeader(Encoder enc, long client, long clock, int contentRef) {
        enc.writeVarUint(1);
        enc.writeVarUint(1);
        enc.writeVarUint(client);
        enc.writeVarUint(clock);
        enc.writeUint8(contentRef);
        enc.writeVarUint(1); // parent is a root type, by name
        enc.writeVarString("content");
    }

    private static byte[] awareness(long clientId, String json) {
        return AwarenessProtocol.encodeMessage(List.of(new AwarenessProtocol.Entry(clientId, 1, json)));
    }
}
