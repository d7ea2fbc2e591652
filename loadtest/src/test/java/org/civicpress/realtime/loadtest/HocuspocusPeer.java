package org.civicpress.realtime.loadtest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Hocuspocus 3.4.4 server for the load tool's tests: {@code bench/peers/hocuspocus-server.mjs} run by
 * node (the root npm workspace hoists @hocuspocus/server; the y-websocket 1.5.4 peer sits in
 * {@code bench/node_modules}, which not every checkout has). Tests are skipped when node or the package is
 * missing.
 */
final class HocuspocusPeer implements AutoCloseable {
    private static final Path ROOT =
            Path.of("").toAbsolutePath().getFileName().toString().equals("loadtest")
                    ? Path.of("").toAbsolutePath().getParent()
                    : Path.of("").toAbsolutePath();

    private final Process process;
    private final Path log;
    final int port;

    private HocuspocusPeer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static HocuspocusPeer start() throws IOException, InterruptedException {
        Path script = ROOT.resolve("bench/peers/hocuspocus-server.mjs");
        assumeTrue(Files.isRegularFile(script), "no " + script);
        assumeTrue(
                Files.isDirectory(ROOT.resolve("node_modules/@hocuspocus/server")),
                "@hocuspocus/server not installed: run npm ci at the repository root");
        assumeTrue(onPath("node"), "node not on PATH");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("hocuspocus-peer", ".log");
        ProcessBuilder pb = new ProcessBuilder("node", script.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PORT", String.valueOf(port));
        pb.environment().put("HOST", "127.0.0.1");
        Process process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listening(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("hocuspocus peer did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return new HocuspocusPeer(process, log, port);
    }

    String url() {
        return "ws://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }

    static boolean listening(int port) {
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
