package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.event.Logging;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.ws.BinaryMessage;
import org.apache.pekko.http.scaladsl.model.ws.Message;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The close codes the realtime server uses reach a standard client (the JDK's WebSocket) unchanged,
 * and ordinary binary frames pass through the rewriting stage untouched.
 */
class CustomCloseFramesTest extends AllDirectives {
    private static ActorSystem<Void> system;
    private static ServerBinding binding;

    @BeforeAll
    static void startServer() throws Exception {
        system = ActorSystem.create(
                Behaviors.empty(),
                "close-frames-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.actor.provider = local")
                        .withFallback(ConfigFactory.load()));
        Route route = new CustomCloseFramesTest().route();
        binding = Http.get(system)
                .newServerAt("127.0.0.1", 0)
                .bind(route)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (binding != null) {
            binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Echoes binary frames; "close:<code>" answers with a close frame carrying that code. */
    private Route route() {
        var settings = ServerSettings.apply(system.settings().config()).websocketSettings();
        var log = Logging.getLogger(system.classicSystem(), "test");
        return extractRequest(request -> {
            var upgrade = (UpgradeToWebSocketLowLevel)
                    request.getAttribute(AttributeKeys.webSocketUpgrade).orElseThrow();
            Flow<Message, Message, ?> handler = Flow.<Message>create().map(message -> {
                String text = ((BinaryMessage.Strict) message).data().decodeString(StandardCharsets.ISO_8859_1);
                if (text.startsWith("close:")) {
                    return CustomCloseFrames.closeMessage(Integer.parseInt(text.substring(6)), "reason " + text);
                }
                return (Message) new BinaryMessage.Strict(ByteString.fromString("echo " + text));
            });
            return complete(CustomCloseFrames.serve(upgrade, handler, settings, log));
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1009, 1012, 1013, 4400, 4401, 4403, 4429})
    void theChosenCloseCodeReachesTheClient(int code) throws Exception {
        Client client = Client.connect(port());
        client.socket.sendBinary(ByteBuffer.wrap(("close:" + code).getBytes(StandardCharsets.ISO_8859_1)), true);
        assertEquals(code, client.closeCode.get(20, TimeUnit.SECONDS));
        assertEquals("reason close:" + code, client.closeReason);
    }

    @Test
    void binaryFramesPassThroughUnchanged() throws Exception {
        Client client = Client.connect(port());
        client.socket.sendBinary(ByteBuffer.wrap("hello".getBytes(StandardCharsets.ISO_8859_1)), true);
        assertArrayEquals(
                "echo hello".getBytes(StandardCharsets.ISO_8859_1), client.firstMessage.get(20, TimeUnit.SECONDS));
        client.socket.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        assertEquals(1000, client.closeCode.get(20, TimeUnit.SECONDS));
    }

    private static int port() {
        return binding.localAddress().getPort();
    }

    private static final class Client implements WebSocket.Listener {
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final CompletableFuture<byte[]> firstMessage = new CompletableFuture<>();
        volatile String closeReason;
        WebSocket socket;

        static Client connect(int port) throws Exception {
            Client client = new Client();
            client.socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
                    .get(20, TimeUnit.SECONDS);
            return client;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            firstMessage.complete(bytes);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
