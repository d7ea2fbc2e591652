package org.civicpress.ycrdt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.TopLevelTypes;
import org.civicpress.ycrdt.utils.Updates;

/**
 * Operator CLI, {@code java -jar ydoc.jar}: inspect stored Yjs updates and merge them. Prints to
 * stdout/stderr directly: that is its job. Exit codes: 0 ok, 1 bad input (unreadable file,
 * invalid update), 2 bad usage.
 */
public final class Ydoc {
    static final int OK = 0;
    static final int BAD_INPUT = 1;
    static final int USAGE = 2;

    private static final String HELP = String.join(
            "\n",
            "Usage: java -jar ydoc.jar <command> [options] FILE...",
            "",
            "Commands:",
            "  dump  [--v2] [--stream] [--json] [--untyped] FILE...  apply the updates in FILE... (in order) to one",
            "                                             document and print it",
            "  merge [--v2] [--stream] FILE... -o OUT     merge the updates into one update written to OUT",
            "",
            "Options:",
            "  --v2       updates are in the V2 format (default V1, what y-websocket sends)",
            "  --stream   each file holds many updates, each prefixed with its varUint length",
            "             (lib0 writeVarUint8Array); otherwise a file is one update",
            "  --json     dump: print only the document JSON (Yjs doc.toJSON() shape)",
            "  --untyped  dump: leave top-level types untyped, as a fresh Yjs doc would (Yjs then omits",
            "             them from toJSON); by default each is typed by its content (text, xml, array, map;",
            "             the rule of org.civicpress.ycrdt.utils.TopLevelTypes, shared with the server)",
            "  -o OUT     merge: output file",
            "  --help     this text");

    private Ydoc() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (UsageException e) {
            err.println("ydoc: " + e.getMessage() + " (try --help)");
            return USAGE;
        }
        if (opts.help) {
            out.println(HELP);
            return OK;
        }
        try {
            List<byte[]> updates = new ArrayList<>();
            long totalBytes = 0;
            for (String file : opts.files) {
                byte[] bytes = readFile(file);
                totalBytes += bytes.length;
                updates.addAll(opts.stream ? splitStream(file, bytes) : List.of(bytes));
            }
            return opts.command.equals("dump") ? dump(opts, updates, totalBytes, out) : merge(opts, updates, out);
        } catch (BadInputException e) {
            err.println("ydoc: " + e.getMessage());
            return BAD_INPUT;
        } catch (InvalidUpdateException e) {
            err.println("ydoc: invalid update: " + e.getMessage());
            return BAD_INPUT;
        } catch (RuntimeException e) {
            err.println("ydoc: failed: " + e);
            return BAD_INPUT;
        }
    }

    /**
     * Updates merged per apply. A one-shot JVM spends most of its time cold (interpreted code, JIT,
     * GC copying a growing document): merging a chunk (one pass over encoded structs, no document)
     * and applying it as one transaction is several times cheaper than one transaction per update,
     * and the document is the same (Yjs: applying a merge of updates = applying them). Chunks bound
     * what the merge holds at once; 1,024 measured as fast as any size from 256 to 4,096.
     */
    static final int MERGE_CHUNK = 1024;

    private static int dump(Options opts, List<byte[]> updates, long totalBytes, PrintStream out) {
        Doc doc = new Doc();
        for (int from = 0; from < updates.size(); from += MERGE_CHUNK) {
            int to = Math.min(updates.size(), from + MERGE_CHUNK);
            List<byte[]> chunk = updates.subList(from, to);
            byte[] merged;
            try {
                merged = opts.v2 ? Updates.mergeUpdatesV2(chunk) : Updates.mergeUpdates(chunk);
            } catch (InvalidUpdateException e) {
                // one of them is malformed: apply them one by one to name it (nothing of the chunk applied yet)
                applyEach(opts, doc, updates, from, to);
                continue;
            }
            try {
                apply(opts, doc, merged);
            } catch (InvalidUpdateException e) {
                String which = to - from == 1 ? "update #" + to : "updates #" + (from + 1) + "-#" + to;
                throw new InvalidUpdateException(which + ": " + e.getMessage(), e);
            }
        }
        if (!opts.untyped) {
            TopLevelTypes.inferAll(doc);
        }
        String json = doc.toJSONString();
        if (opts.json) {
            out.println(json);
            return OK;
        }
        Map<Long, Long> sv = new TreeMap<>(Y.decodeStateVector(Y.encodeStateVector(doc)));
        long structs = doc.store.clients.values().stream().mapToLong(List::size).sum();
        out.println("updates: " + updates.size() + " (" + totalBytes + " bytes read)");
        out.println("state vector: " + sv);
        out.println("structs: " + structs);
        out.println("state as update: " + Y.encodeStateAsUpdate(doc).length + " bytes (V1)");
        out.println("pending: " + (doc.hasPending() ? "yes (updates with missing dependencies are waiting)" : "no"));
        out.println("json: " + json);
        return OK;
    }

    private static void applyEach(Options opts, Doc doc, List<byte[]> updates, int from, int to) {
        for (int i = from; i < to; i++) {
            try {
                apply(opts, doc, updates.get(i));
            } catch (InvalidUpdateException e) {
                throw new InvalidUpdateException("update #" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
    }

    private static void apply(Options opts, Doc doc, byte[] update) {
        if (opts.v2) {
            Y.applyUpdateV2(doc, update, null);
        } else {
            Y.applyUpdate(doc, update);
        }
    }

    private static int merge(Options opts, List<byte[]> updates, PrintStream out) {
        byte[] merged = opts.v2 ? Updates.mergeUpdatesV2(updates) : Updates.mergeUpdates(updates);
        Path target = Path.of(opts.output);
        try {
            Files.write(target, merged);
        } catch (IOException e) {
            throw new BadInputException("cannot write " + target + ": " + e.getMessage());
        }
        out.println("merged " + updates.size() + " updates into " + target + " (" + merged.length + " bytes)");
        return OK;
    }

    private static byte[] readFile(String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new BadInputException("no such file: " + file);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Splits a stream file of varUint-length-prefixed updates. */
    static List<byte[]> splitStream(String file, byte[] bytes) {
        List<byte[]> updates = new ArrayList<>();
        Decoder d = new Decoder(bytes);
        try {
            while (d.hasContent()) {
                updates.add(d.readVarUint8Array());
            }
        } catch (InvalidUpdateException e) {
            throw new BadInputException(
                    file + ": bad stream framing after " + updates.size() + " updates: " + e.getMessage());
        }
        return updates;
    }

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private static final class BadInputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadInputException(String message) {
            super(message);
        }
    }

    private static final class Options {
        String command;
        boolean help;
        boolean v2;
        boolean stream;
        boolean json;
        boolean untyped;
        String output;
        final List<String> files = new ArrayList<>();

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            if (args.length == 0) {
                throw new UsageException("missing command");
            }
            for (String a : args) {
                if (a.equals("--help") || a.equals("-h")) {
                    o.help = true;
                    return o;
                }
            }
            o.command = args[0];
            if (!o.command.equals("dump") && !o.command.equals("merge")) {
                throw new UsageException("unknown command '" + o.command + "'");
            }
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--v2" -> o.v2 = true;
                    case "--stream" -> o.stream = true;
                    case "--json" -> {
                        if (!o.command.equals("dump")) {
                            throw new UsageException("--json only applies to dump");
                        }
                        o.json = true;
                    }
                    case "--untyped" -> {
                        if (!o.command.equals("dump")) {
                            throw new UsageException("--untyped only applies to dump");
                        }
                        o.untyped = true;
                    }
                    case "-o", "--output" -> {
                        if (!o.command.equals("merge")) {
                            throw new UsageException("-o only applies to merge");
                        }
                        if (i + 1 >= args.length) {
                            throw new UsageException("-o needs a file name");
                        }
                        o.output = args[++i];
                    }
                    default -> {
                        if (a.startsWith("-") && a.length() > 1) {
                            throw new UsageException("unknown option '" + a + "'");
                        }
                        o.files.add(a);
                    }
                }
            }
            if (o.files.isEmpty()) {
                throw new UsageException("no input files");
            }
            if (o.command.equals("merge") && o.output == null) {
                throw new UsageException("merge needs -o OUT");
            }
            return o;
        }
    }
}
