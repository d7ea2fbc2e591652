package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A node script from js/clients as a child process: commands go to its stdin, its stdout JSON lines
 * come back as events. Clients end themselves after their own timeout; {@link #close()} kills anyway.
 */
final class NodeClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private String shortName;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

    private NodeClient(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readEvents, "node-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static NodeClient start(String name, String script, List<String> args) throws IOException {
        Path clients = ItPaths.clients();
        List<String> command =
                new ArrayList<>(List.of("node", clients.resolve(script).toString()));
        command.addAll(args);
        Path log = ItPaths.logDir().resolve("node-" + name + ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(clients.toFile())
                    .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
                    .start();
            return new NodeClient(name, process);
        } catch (IOException e) {
            return fail("cannot start node (is node 20 on the PATH?): " + e.getMessage());
        }
    }

    /** An editor called {@code name} in awareness and markers; {@code logName} names its process and log. */
    static NodeClient editor(String logName, String name, String wsBase, String room, int intervalMillis)
            throws IOException {
        NodeClient client = start(
                logName,
                "editor.mjs",
                List.of(
                        "--url",
                        wsBase,
                        "--room",
                        room,
                        "--name",
                        name,
                        "--interval",
                        Integer.toString(intervalMillis),
                        "--timeout",
                        "300000"));
        client.shortName = name;
        return client;
    }

    private void readEvents() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException notJson) {
                    events.add(JSON.createObjectNode().put("event", "stdout").put("line", line));
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** The next event named {@code event} (earlier other events are dropped). */
    JsonNode await(String event, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode next = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return fail(name + ": no '" + event + "' event within " + timeout.toSeconds() + " s (alive: "
                        + process.isAlive() + ")");
            }
            if (event.equals(next.path("event").asText())) {
                return next;
            }
            if ("timeout".equals(next.path("event").asText())) {
                fail(name + " gave up: " + next);
            }
        }
    }

    JsonNode report() throws IOException, InterruptedException {
        send("report");
        return await("report", Duration.ofSeconds(30));
    }

    /** Waits until every editor is synced, then lets them all type. */
    static void startTyping(List<NodeClient> editors, Duration syncTimeout) throws IOException, InterruptedException {
        for (NodeClient editor : editors) {
            editor.await("synced", syncTimeout);
        }
        for (NodeClient editor : editors) {
            editor.send("start");
        }
    }

    /** A {@link Poll.Check} answer: null once every editor has {@code count} confirmed edits. */
    static String fewerConfirmedThan(List<NodeClient> editors, int count) throws IOException, InterruptedException {
        for (NodeClient editor : editors) {
            int confirmed = editor.report().path("confirmed").size();
            if (confirmed < count) {
                return editor.name() + " has " + confirmed + " of " + count + " confirmed edits";
            }
        }
        return null;
    }

    String name() {
        return shortName != null ? shortName : name;
    }

    /** SIGKILL: the client vanishes without a WebSocket close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void quit() throws IOException, InterruptedException {
        if (process.isAlive()) {
            send("quit");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(node -> result.add(node.asText()));
        return result;
    }
}
