package org.civicpress.realtime.loadtest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** CLI entry point: runs one scenario and prints the report block and its RESULT_JSON line on stdout. */
public final class LoadTool {
    private static final Logger log = LoggerFactory.getLogger(LoadTool.class);

    private LoadTool() {}

    public static void main(String[] args) throws InterruptedException, java.io.IOException {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(LoadOptions.USAGE);
            return;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.storm()) {
            StormReport storm = new LoadRun(options).storm();
            System.out.print(storm.humanBlock());
            System.out.println(storm.jsonLine());
            System.out.flush();
            System.exit(storm.upgraded() == 0 ? 1 : 0);
            return;
        }
        LoadReport report = new LoadRun(options).run();
        System.out.print(report.humanBlock());
        System.out.println(report.jsonLine());
        System.out.flush();
        log.debug("done");
        // java.net.http keeps non-daemon selector threads alive for a while: exit explicitly.
        System.exit(report.connected() == 0 ? 1 : 0);
    }
}
