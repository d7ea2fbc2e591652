package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code enabled: false}: the real server process says so, binds nothing and exits 0. */
class DisabledModuleIT {

    @TempDir
    Path dataDir;

    private ServerProcess server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) server.close();
    }

    @Test
    void aDisabledModuleExitsZeroWithoutBinding() throws Exception {
        int port = ServerProcess.freePort();
        server = ServerProcess.launch(dataDir, port, Map.of("REALTIME_ENABLED", "false"), "disabled-module");
        assertEquals(0, server.awaitExit(Duration.ofSeconds(60)), "a disabled module exits normally");
        String logText = Files.readString(ItPaths.logDir().resolve("disabled-module.log"), StandardCharsets.UTF_8);
        assertTrue(logText.contains("Realtime module disabled"), "the log says why: " + server.logTail());
        assertFalse(isListening(port), "nothing listens on the configured port");
        assertFalse(Files.exists(dataDir.resolve("db")), "no database was created");
    }

    private static boolean isListening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
