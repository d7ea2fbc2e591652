package org.civicpress.realtime.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The flooding client of security issue 10 ({@code --flooders}): its options, and a real run against a real
 * Yjs server. The server is Hocuspocus 3.4.4 from {@code bench/peers} (the root npm workspace hoists it; the
 * y-websocket 1.5.4 peer sits in {@code bench/node_modules}, which not every checkout has), run by node.
 * It does not shape client messages, so an unlimited flooder must get far more through than the writers.
 */
class FlooderTest {
    private static final Path ROOT =
            Path.of("").toAbsolutePath().getFileName().toString().equals("loadtest")
                    ? Path.of("").toAbsolutePath().getParent()
                    : Path.of("").toAbsolutePath();
    private static Process peer;
    private static int port;
    private static Path peerLog;

    @Test
    void flooderOptionsParseAndRejectBadInput() {
        LoadOptions plain = LoadOptions.parse(new String[] {"--url", "ws://x/{room}"});
        assertEquals(LoadOptions.Flood.NONE.perRoom(), plain.flood().perRoom());
        LoadOptions o = LoadOptions.parse(new String[] {
            "--url",
            "ws://x/{room}",
            "--flooders",
            "2",
            "--flood-rate",
            "max",
            "--flood-bytes",
            "4096",
            "--flood-room",
            "separate",
            "--flood-awareness",
            "1"
        });
        assertEquals(new LoadOptions.Flood(2, 0, 4096, true, true), o.flood());
        assertTrue(o.flood().unlimited());
        LoadOptions limited =
                LoadOptions.parse(new String[] {"--url", "ws://x/{room}", "--flooders", "1", "--flood-rate", "250"});
        assertEquals(new LoadOptions.Flood(1, 250, 1024, false, false), limited.flood());
        assertFalse(limited.flood().unlimited());
        // flooders come on top of --clients: the total of normal clients is unchanged
        assertEquals(10, limited.totalClients());
        for (String[] bad : new String[][] {
            {"--flooders", "-1"},
            {"--flooders", "1.5"},
            {"--flood-rate", "fast"},
            {"--flood-rate", "0"},
            {"--flood-bytes", "-3"},
            {"--flood-room", "other"},
            {"--flood-awareness", "yes"}
        }) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> LoadOptions.parse(new String[] {"--url", "ws://x/{room}", bad[0], bad[1]}),
                    String.join(" ", bad));
        }
    }

    @Test
    void anUnlimitedFlooderSendsFarMoreThanTheWritersAndIsCountedApart() throws Exception {
        // in a room of its own: its flood cannot be mistaken for the measured room's traffic
        LoadReport r = run("--flooders", "1", "--flood-bytes", "100", "--flood-room", "separate");
        assertEquals(4, r.connected(), "3 normal clients and the flooder");
        assertEquals(4, r.synced());
        // the writer's 20/s over 2 s, and only those count as normal traffic
        assertTrue(r.updatesSent() >= 10 && r.updatesSent() <= 42, "normal updates " + r.updatesSent());
        assertTrue(r.deliveries() > 0 && r.deliveries() <= 2 * r.updatesSent(), "normal deliveries " + r.deliveries());
        LoadReport.Flood f = r.flood();
        assertEquals(1, f.flooders());
        assertTrue(
                f.sent() > 10 * r.updatesSent(), "flood of " + f.sent() + " vs " + r.updatesSent() + " normal updates");
        // none of its updates reach the measured room, and it sees none of the writer's
        assertEquals(0, f.deliveredToNormal());
        assertEquals(0, f.received());
        assertTrue(r.jsonLine().contains("\"floodSent\":" + f.sent()), r.jsonLine());
        assertTrue(r.humanBlock().contains("flooders    1/room (separate room)"), r.humanBlock());
    }

    @Test
    void aRateLimitedFlooderKeepsItsRateAndIsAFullClientOfTheRoom() throws Exception {
        LoadReport r = run("--flooders", "1", "--flood-rate", "25", "--flood-awareness", "1");
        LoadReport.Flood f = r.flood();
        // 25/s over a 2 s window, never more (the clock catches up at most one period)
        assertTrue(f.sent() >= 20 && f.sent() <= 52, "flooder sent " + f.sent());
        // one awareness update after each flooding update (the awareness count also holds a send or two racing
        // the window's end)
        assertTrue(
                f.awarenessSent() >= f.sent() && f.awarenessSent() <= f.sent() + 2,
                f.awarenessSent() + " awareness updates for " + f.sent() + " flooding updates");
        // in the measured room: its updates reach the normal clients (counted apart from theirs), and it
        // receives the writer's updates like any client
        assertTrue(f.deliveredToNormal() > 0, "the flood reached the normal clients");
        assertTrue(f.received() > 0, "the flooder receives the writer's updates");
        assertTrue(r.deliveries() > 0 && r.deliveries() <= 2 * r.updatesSent(), "normal deliveries " + r.deliveries());
    }

    private static LoadReport run(String... flood) throws Exception {
        String[] base = {
            "--url",
            "ws://127.0.0.1:" + port + "/",
            "--protocol",
            "hocuspocus",
            "--clients",
            "3",
            "--writers",
            "1",
            "--rate",
            "20",
            "--warmup",
            "0.5",
            "--duration",
            "2",
            "--sync-timeout",
            "30"
        };
        String[] args = new String[base.length + flood.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(flood, 0, args, base.length, flood.length);
        return new LoadRun(LoadOptions.parse(args)).run();
    }

    @BeforeAll
    static void startPeer() throws Exception {
        Path script = ROOT.resolve("bench/peers/hocuspocus-server.mjs");
        assumeTrue(Files.isRegularFile(script), "no " + script);
        assumeTrue(
                Files.isDirectory(ROOT.resolve("node_modules/@hocuspocus/server")),
                "@hocuspocus/server not installed: run npm ci at the repository root");
        assumeTrue(onPath("node"), "node not on PATH");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        peerLog = Files.createTempFile("hocuspocus-peer", ".log");
        ProcessBuilder pb = new ProcessBuilder("node", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(peerLog.toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("HOST", "127.0.0.1");
        peer = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listening(port)) {
            if (!peer.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("hocuspocus peer did not start: " + Files.readString(peerLog));
            }
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stopPeer() throws Exception {
        if (peer != null) {
            peer.destroy();
            if (!peer.waitFor(10, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        }
        if (peerLog != null) {
            Files.deleteIfExists(peerLog);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
