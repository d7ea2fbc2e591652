package org.civicpress.realtime.api;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.civicpress.realtime.config.ConfigValidationException;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.config.RealtimeConfigManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiConfigTest {
    @TempDir
    Path dir;

    @Test
    void offByDefault() {
        RealtimeConfig config = RealtimeConfigManager.load(dir, Map.of());
        assertFalse(config.api().enabled());
        assertNull(CivicPressApiClient.fromConfig(config.api()));
        var services = org.civicpress.realtime.room.RoomServices.from(
                config,
                org.civicpress.realtime.hooks.HookSystem.inProcess(),
                new org.civicpress.realtime.metrics.RealtimeMetrics());
        assertNull(services.api(), "no API configured: rooms skip it");
        assertEquals("presence", services.roomTypes().forRoom("presence:x").name());
    }

    @Test
    void sectionIsReadWithEnvTokenAndTheTokenIsMasked() throws Exception {
        Files.writeString(
                dir.resolve("realtime.yml"),
                """
                api:
                  base_url: http://civicpress:3000
                  token: ${CP_TOKEN}
                  initial_content_url: /api/documents/{roomId}/yjs
                  snapshot_push_url: https://other.example/api/documents/{roomId}/snapshot
                  request_timeout: 3s
                  max_attempts: 7
                """);
        RealtimeConfig.Api api =
                RealtimeConfigManager.load(dir, Map.of("CP_TOKEN", "s3cret")).api();
        assertEquals("s3cret", api.token());
        assertEquals(Duration.ofSeconds(3), api.requestTimeout());
        assertEquals(7, api.maxAttempts());
        assertTrue(api.enabled());
        assertFalse(api.toString().contains("s3cret"));
        CivicPressApiClient client = new CivicPressApiClient(api);
        assertEquals(
                "http://civicpress:3000/api/documents/a%20b%2Fc/yjs",
                client.resolve(api.initialContentUrl(), "a b/c").toString());
        assertEquals(
                "https://other.example/api/documents/x/snapshot",
                client.resolve(api.snapshotPushUrl(), "x").toString());

        assertEquals(
                "env-token",
                RealtimeConfigManager.load(dir, Map.of("CP_TOKEN", "s3cret", "REALTIME_API_TOKEN", "env-token"))
                        .api()
                        .token());
    }

    @Test
    void everyProblemIsReported() throws Exception {
        Files.writeString(
                dir.resolve("realtime.yml"),
                """
                api:
                  initial_content_url: /relative/without/base
                  snapshot_push_url: ftp://nope/{roomId}
                  max_attempts: 0
                  colour: blue
                """);
        ConfigValidationException e =
                assertThrows(ConfigValidationException.class, () -> RealtimeConfigManager.load(dir, Map.of()));
        String message = e.getMessage();
        assertTrue(message.contains("api.initial_content_url"), message);
        assertTrue(message.contains("api.snapshot_push_url"), message);
        assertTrue(message.contains("api.max_attempts"), message);
        assertTrue(message.contains("api.colour"), message);
    }

    @Test
    void jsonTextContentBecomesOneUpdateOfTheContentText() {
        byte[] update = CivicPressApiClient.textAsUpdate("{\"text\":\"Hello\"}".getBytes())
                .orElseThrow();
        org.civicpress.ycrdt.utils.Doc doc = new org.civicpress.ycrdt.utils.Doc();
        org.civicpress.ycrdt.Y.applyUpdate(doc, update);
        assertEquals("Hello", doc.getText("content").toString());
        assertTrue(
                CivicPressApiClient.textAsUpdate("{\"text\":\"\"}".getBytes()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> CivicPressApiClient.textAsUpdate("[1]".getBytes()));
    }
}
