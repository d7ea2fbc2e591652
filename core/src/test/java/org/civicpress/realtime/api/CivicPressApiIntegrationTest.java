package org.civicpress.realtime.api;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.protocol.YMessage;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.room.RoomTestKit;
import org.civicpress.realtime.room.RoomTestKit.FakeClient;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Rooms against a real HTTP server playing the CivicPress API. */
class CivicPressApiIntegrationTest {
    private static ActorTestKit kit;
    private static PersistenceTestKit journal;
    private static FakeCivicPressApi fakeApi;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create("CivicPressApiIntegrationTest", config());
        journal = PersistenceTestKit.create(kit.system());
        fakeApi = new FakeCivicPressApi();
    }

    @AfterAll
    static void stop() {
        fakeApi.close();
        kit.shutdownTestKit();
    }

    @AfterEach
    void reset() {
        journal.clearAll();
    }

    private static RealtimeConfig.Api apiConfig(String baseUrl, int maxAttempts) {
        return new RealtimeConfig.Api(
                baseUrl,
                "test-token",
                "/api/documents/{roomId}/yjs",
                "/api/documents/{roomId}/snapshot",
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                maxAttempts,
                Duration.ofMillis(50));
    }

    private static RoomServices services(RealtimeConfig.Api api) {
        return RoomServices.defaults(HookSystem.inProcess()).withApi(new CivicPressApiClient(api));
    }

    private static ActorRef<Room.Command> spawn(String roomId, RoomSettings settings, RoomServices services) {
        return kit.spawn(Room.create(roomId, settings, services, null));
    }

    private static YMessage next(FakeClient client) {
        return client.next();
    }

    private static FakeClient join(ActorRef<Room.Command> room, String connectionId) {
        FakeClient client = new FakeClient(kit, connectionId);
        room.tell(client.joinCommand(null, false));
        client.probe.expectMessageClass(Room.Joined.class, WAIT);
        return client;
    }

    private static String contentOf(byte[]... updates) {
        Doc doc = new Doc();
        for (byte[] u : updates) Y.applyUpdate(doc, u);
        return doc.getText(CivicPressApiClient.CONTENT_TEXT).toString();
    }

    @Test
    void initialContentIsLoadedOnceIntoANewRoomJournaledAndBroadcast() throws Exception {
        String roomId = "bylaw 12/draft";
        fakeApi.contents.put(
                roomId,
                new FakeCivicPressApi.Content(
                        "application/json; charset=utf-8",
                        "{\"text\":\"Article 1. Dogs must be leashed.\"}".getBytes(StandardCharsets.UTF_8)));
        fakeApi.holdContent = new CountDownLatch(1);
        RoomServices services = services(apiConfig(fakeApi.baseUrl(), 3));
        ActorRef<Room.Command> room = spawn(roomId, fastSettings(), services);
        FakeClient early = join(room, "early");
        assertInstanceOf(YMessage.SyncStep1.class, next(early));
        fakeApi.holdContent.countDown();

        YMessage.SyncUpdate update = assertInstanceOf(
                YMessage.SyncUpdate.class,
                next(early),
                "a client that joined before the content arrived gets it as a normal update");
        assertEquals("Article 1. Dogs must be leashed.", contentOf(update.update()));
        assertEquals(1, journal.persistedInStorage("room|" + roomId).size(), "journaled like any update");
        assertEquals("Bearer test-token", fakeApi.authorizations.poll(10, TimeUnit.SECONDS));

        // a later incarnation recovers it from the journal and does not ask again
        kit.stop(room);
        ActorRef<Room.Command> again = spawn(roomId, fastSettings(), services);
        FakeClient late = join(again, "late");
        assertInstanceOf(YMessage.SyncStep1.class, next(late));
        again.tell(new Room.FromClient("late", SyncProtocol.encodeSyncStep1(new byte[] {0})));
        assertEquals(
                "Article 1. Dogs must be leashed.",
                contentOf(assertInstanceOf(YMessage.SyncStep2.class, next(late)).update()));
        late.expectNothing(QUIET);
        assertEquals(1, fakeApi.contentRequests(roomId));
    }

    @Test
    void rawYjsContentIsUsedAsIsAndAnExistingRoomDoesNotLoadContent() {
        fakeApi.contents.put("raw", new FakeCivicPressApi.Content("application/octet-stream", U1));
        RoomServices services = services(apiConfig(fakeApi.baseUrl(), 3));
        ActorRef<Room.Command> raw = spawn("raw", fastSettings(), services);
        awaitCondition(
                "raw content journaled",
                () -> journal.persistedInStorage("room|raw").size() == 1);
        assertEquals(
                "hello",
                textOf(((Room.UpdatesJournaled)
                                journal.persistedInStorage("room|raw").get(0))
                        .updates()
                        .get(0)
                        .update()));
        Room.JournaledUpdate fromApi = ((Room.UpdatesJournaled)
                        journal.persistedInStorage("room|raw").get(0))
                .updates()
                .get(0);
        assertEquals(Room.API_CONNECTION_ID, fromApi.connectionId(), "initial content is journaled as the API's");
        assertNull(fromApi.userId());
        kit.stop(raw);

        fakeApi.contents.put("existing", new FakeCivicPressApi.Content("application/octet-stream", B1));
        journal.persistForRecovery("room|existing", List.of(RoomTestKit.journaled(U1)));
        ActorRef<Room.Command> existing = spawn("existing", fastSettings(), services);
        FakeClient c = join(existing, "c");
        assertArrayEquals(
                hex("010105"),
                assertInstanceOf(YMessage.SyncStep1.class, next(c)).stateVector());
        c.expectNothing(QUIET);
        assertEquals(0, fakeApi.contentRequests("existing"));

        // 404: the new room simply starts empty
        ActorRef<Room.Command> unknown = spawn("unknown", fastSettings(), services);
        awaitCondition("asked", () -> fakeApi.contentRequests("unknown") == 1);
        FakeClient u = join(unknown, "u");
        assertArrayEquals(
                new byte[] {0},
                assertInstanceOf(YMessage.SyncStep1.class, next(u)).stateVector());
    }

    @Test
    void apiDownRoomWorksNormallyAndTheRetriesAreLogged() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Logger clientLog = (Logger) LoggerFactory.getLogger(CivicPressApiClient.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        clientLog.addAppender(logs);
        try {
            RoomServices services = services(apiConfig("http://127.0.0.1:" + closedPort, 3));
            ActorRef<Room.Command> room = spawn("down", fastSettings(), services);
            FakeClient a = join(room, "a");
            assertInstanceOf(YMessage.SyncStep1.class, next(a));
            room.tell(new Room.FromClient("a", SyncProtocol.encodeUpdate(U1)));
            assertArrayEquals(
                    U1, assertInstanceOf(YMessage.SyncUpdate.class, next(a)).update());

            awaitCondition("retries logged and given up", () -> List.copyOf(logs.list).stream()
                    .anyMatch(e -> e.getLevel() == Level.ERROR
                            && e.getFormattedMessage().contains("after 3 attempts")));
            List<ILoggingEvent> events = List.copyOf(logs.list);
            assertEquals(
                    2,
                    events.stream()
                            .filter(e -> e.getLevel() == Level.WARN
                                    && e.getFormattedMessage().contains("retrying"))
                            .count());
            assertTrue(
                    events.stream().noneMatch(e -> e.getFormattedMessage().contains("test-token")),
                    "the token is never logged");
            room.tell(new Room.FromClient("a", SyncProtocol.encodeUpdate(U2)));
            assertArrayEquals(
                    U2, assertInstanceOf(YMessage.SyncUpdate.class, next(a)).update());
            assertEquals(2, journal.persistedInStorage("room|down").size(), "only the client's updates");
        } finally {
            clientLog.detachAppender(logs);
        }
    }

    @Test
    void snapshotsArePushedAsJson() throws Exception {
        RoomServices services = services(apiConfig(fakeApi.baseUrl(), 3));
        ActorRef<Room.Command> room = spawn("pushed", fastSettings().withSnapshotEveryUpdates(2), services);
        FakeClient a = join(room, "a");
        assertInstanceOf(YMessage.SyncStep1.class, next(a));
        room.tell(new Room.FromClient("a", SyncProtocol.encodeUpdate(U1)));
        next(a);
        room.tell(new Room.FromClient("a", SyncProtocol.encodeUpdate(U2)));
        next(a);
        FakeCivicPressApi.Push push = fakeApi.pushes.poll(10, TimeUnit.SECONDS);
        assertNotNull(push, "snapshot pushed");
        assertEquals("{\"t\":\"hello world\"}", push.body());
        assertEquals("pushed", push.roomHeader());
        assertEquals("2", push.sequenceNr());
        assertEquals("Bearer test-token", push.authorization());
    }
}
