package org.civicpress.realtime.connection;

import static org.civicpress.realtime.protocol.YjsFixtures.*;
import static org.civicpress.realtime.room.RoomTestKit.*;
import static org.junit.jupiter.api.Assertions.*;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.civicpress.realtime.config.RealtimeConfig.Auth;
import org.civicpress.realtime.delivery.SocketOut;
import org.civicpress.realtime.hooks.HookEvent;
import org.civicpress.realtime.hooks.HookEvents;
import org.civicpress.realtime.hooks.HookSystem;
import org.civicpress.realtime.protocol.HocuspocusProtocol;
import org.civicpress.realtime.protocol.SyncProtocol;
import org.civicpress.realtime.room.Room;
import org.civicpress.realtime.room.RoomServices;
import org.civicpress.realtime.room.RoomSettings;
import org.civicpress.realtime.services.AuthService;
import org.civicpress.realtime.services.DefaultAuthService;
import org.civicpress.realtime.services.InMemoryCacheService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One Hocuspocus socket against real rooms (in-memory journal) and the real auth service (HS256): per-document
 * authentication and scopes, the pre-authentication bound, SyncStatus only after the journal write, stateless
 * relay and hook, per-document close.
 */
class HocuspocusConnectionTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef-hp-secret";
    private static ActorTestKit kit;
    private static PersistenceTestKit journal;
    private static final HookSystem hooks = HookSystem.inProcess();
    private static final Map<String, ActorRef<Room.Command>> rooms = new ConcurrentHashMap<>();
    private static AuthService auth;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("HocuspocusConnectionTest", config());
        journal = PersistenceTestKit.create(kit.system());
        // No clock skew: a session ends at exp plus the skew, and one test waits for that.
        Auth.Jwt jwt = new Auth.Jwt(
                SECRET,
                null,
                null,
                null,
                null,
                Duration.ZERO,
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2));
        Auth config = new Auth(false, null, Duration.ofSeconds(60), jwt, null, 4, 64 * 1024);
        auth = DefaultAuthService.create(config, new InMemoryCacheService(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static ActorRef<Room.Command> room(String id) {
        RoomSettings settings = fastSettings();
        return rooms.computeIfAbsent(id, r -> kit.spawn(Room.create(r, settings, RoomServices.defaults(hooks), null)));
    }

    private static ActorRef<ClientConnection.Command> connect(TestProbe<SocketOut.Written> socket, boolean relay) {
        return kit.spawn(HocuspocusConnection.forSocket(
                "s-" + System.nanoTime(),
                "127.0.0.1",
                "corr",
                SocketOut.toActor(socket.getRef()),
                fastSettings(),
                auth,
                new HocuspocusConnection.Settings(relay, 4, 64 * 1024, 3),
                id -> !id.contains(" "),
                HocuspocusConnectionTest::room));
    }

    private static String token(Map<String, String> rooms) throws Exception {
        return token(rooms, Instant.now().plusSeconds(600));
    }

    private static String token(Map<String, String> rooms, Instant expires) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("alice")
                .claim("rooms", rooms)
                .expirationTime(Date.from(expires))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static void send(ActorRef<ClientConnection.Command> conn, byte[] frame) {
        conn.tell(new ClientConnection.FromSocket(frame));
    }

    private static byte[] sync(String doc, byte[] yFrame) {
        return HocuspocusProtocol.wrap(doc, yFrame);
    }

    private static HocuspocusProtocol.Message next(TestProbe<SocketOut.Written> socket) {
        return HocuspocusProtocol.decode(
                socket.expectMessageClass(SocketOut.Frame.class, WAIT).bytes());
    }

    /** The next frame of this type (the room's greeting and awareness come in between). */
    private static <T extends HocuspocusProtocol.Message> T nextOf(TestProbe<SocketOut.Written> socket, Class<T> type) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            HocuspocusProtocol.Message m = next(socket);
            if (type.isInstance(m)) return type.cast(m);
        }
        throw new AssertionError("no " + type.getSimpleName());
    }

    /** The close, skipping the frames before it (PermissionDenied answers). */
    private static SocketOut.CloseSocket closeOf(TestProbe<SocketOut.Written> socket) {
        while (true) {
            SocketOut.Written out = socket.receiveMessage(WAIT);
            if (out instanceof SocketOut.CloseSocket close) return close;
        }
    }

    private static void assertNoStateless(TestProbe<SocketOut.Written> socket) {
        long end = System.nanoTime() + Duration.ofMillis(400).toNanos();
        while (System.nanoTime() < end) {
            SocketOut.Written out;
            try {
                out = socket.receiveMessage(Duration.ofMillis(100));
            } catch (AssertionError quiet) {
                continue;
            }
            if (out instanceof SocketOut.Frame f) {
                assertFalse(HocuspocusProtocol.decode(f.bytes()) instanceof HocuspocusProtocol.Stateless);
            }
        }
    }

    @Test
    void documentsAreAuthenticatedOneByOneAndSyncStatusFollowsTheJournalWrite() throws Exception {
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn = connect(socket, true);
        String t = token(Map.of("hp-w*", "write", "hp-r", "read"));
        // messages before the token are queued, then handled in order once the document is authenticated
        send(conn, sync("hp-w1", SyncProtocol.encodeSyncStep1(new byte[] {0})));
        send(conn, HocuspocusProtocol.token("hp-w1", t));
        var authenticated = assertInstanceOf(HocuspocusProtocol.Auth.class, next(socket));
        assertEquals(HocuspocusProtocol.AUTH_AUTHENTICATED, authenticated.authType());
        assertEquals("read-write", authenticated.value());
        var first = assertInstanceOf(HocuspocusProtocol.Sync.class, next(socket));
        assertEquals("hp-w1", first.documentName());

        send(conn, sync("hp-w1", SyncProtocol.encodeUpdate(U1)));
        HocuspocusProtocol.Sync echo;
        do {
            echo = nextOf(socket, HocuspocusProtocol.Sync.class);
        } while (echo.syncType() != SyncProtocol.MESSAGE_YJS_UPDATE);
        assertArrayEquals(U1, echo.update(), "the update comes back once journaled, as from Hocuspocus");
        assertTrue(nextOf(socket, HocuspocusProtocol.SyncStatus.class).saved());
        assertEquals(1, journal.persistedInStorage("room|hp-w1").size(), "SyncStatus came after the write");

        send(conn, sync("hp-w1", SyncProtocol.encodeUpdate(U1)));
        assertTrue(nextOf(socket, HocuspocusProtocol.SyncStatus.class).saved(), "a no-op update: saved at once");

        // a read-only document of the same socket: its edits never reach the room
        send(conn, HocuspocusProtocol.token("hp-r", t));
        assertEquals("readonly", nextOf(socket, HocuspocusProtocol.Auth.class).value());
        send(conn, sync("hp-r", SyncProtocol.encodeUpdate(U1)));
        var refused = nextOf(socket, HocuspocusProtocol.SyncStatus.class);
        assertEquals("hp-r", refused.documentName());
        assertFalse(refused.saved());
        Thread.sleep(300);
        assertTrue(journal.persistedInStorage("room|hp-r").isEmpty());

        // no access, no token
        send(conn, HocuspocusProtocol.token("hp-secret", t));
        var denied = nextOf(socket, HocuspocusProtocol.Auth.class);
        assertEquals(HocuspocusProtocol.AUTH_PERMISSION_DENIED, denied.authType());
        assertEquals("no access to hp-secret", denied.value());
        send(conn, HocuspocusProtocol.token("bad name", t));
        assertEquals(
                HocuspocusProtocol.AUTH_PERMISSION_DENIED,
                nextOf(socket, HocuspocusProtocol.Auth.class).authType());
    }

    @Test
    void statelessGoesToHooksAndTheOtherClientsOfTheDocumentOnly() throws Exception {
        LinkedBlockingQueue<HookEvent> events = new LinkedBlockingQueue<>();
        hooks.on(HookEvents.STATELESS, events::add);
        String t = token(Map.of("hp-s*", "write"));
        TestProbe<SocketOut.Written> a = kit.createTestProbe();
        TestProbe<SocketOut.Written> b = kit.createTestProbe();
        ActorRef<ClientConnection.Command> ca = connect(a, true);
        ActorRef<ClientConnection.Command> cb = connect(b, true);
        for (var c : java.util.List.of(ca, cb)) {
            send(c, HocuspocusProtocol.token("hp-s1", t));
            send(c, sync("hp-s1", SyncProtocol.encodeSyncStep1(new byte[] {0})));
        }
        nextOf(a, HocuspocusProtocol.Sync.class);
        nextOf(b, HocuspocusProtocol.Sync.class);
        send(ca, HocuspocusProtocol.stateless("hp-s1", "{\"cursor\":3}"));
        var relayed = nextOf(b, HocuspocusProtocol.Stateless.class);
        assertEquals("{\"cursor\":3}", relayed.payload());
        HookEvent event = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(event);
        assertEquals("hp-s1", event.roomId());
        assertEquals("alice", event.userId());
        assertEquals("{\"cursor\":3}", event.data().get("payload"));
        assertNoStateless(a); // not back to the sender

        // the provider closes one document: it leaves the room, the socket stays
        send(cb, HocuspocusProtocol.closeRequest("hp-s1"));
        Thread.sleep(300);
        send(ca, HocuspocusProtocol.stateless("hp-s1", "again"));
        assertNotNull(events.poll(10, TimeUnit.SECONDS));
        assertNoStateless(b);
    }

    @Test
    void aDocumentItsRoomClosesGetsACloseMessageAndTheSocketServesTheOthers() throws Exception {
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn = connect(socket, true);
        String t = token(Map.of("hp-c*", "write"));
        send(conn, HocuspocusProtocol.token("hp-c1", t));
        send(conn, HocuspocusProtocol.token("hp-c2", t));
        nextOf(socket, HocuspocusProtocol.Auth.class);
        nextOf(socket, HocuspocusProtocol.Auth.class);
        send(conn, sync("hp-c1", SyncProtocol.encodeUpdate(new byte[] {5, 9, 9, 9})));
        var close = nextOf(socket, HocuspocusProtocol.Close.class);
        assertEquals("hp-c1", close.documentName());
        assertTrue(close.reason().startsWith("invalid Yjs update"), close.reason());
        send(conn, sync("hp-c2", SyncProtocol.encodeUpdate(U1)));
        assertEquals(
                "hp-c2", nextOf(socket, HocuspocusProtocol.SyncStatus.class).documentName());
    }

    @Test
    void aDocumentWhoseTokenExpiresIsDeniedAndLeavesItsRoom() throws Exception {
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn = connect(socket, true);
        send(
                conn,
                HocuspocusProtocol.token(
                        "hp-x", token(Map.of("hp-x", "write"), Instant.now().plusSeconds(2))));
        assertEquals(
                HocuspocusProtocol.AUTH_AUTHENTICATED,
                nextOf(socket, HocuspocusProtocol.Auth.class).authType());
        var denied = nextOf(socket, HocuspocusProtocol.Auth.class);
        assertEquals(HocuspocusProtocol.AUTH_PERMISSION_DENIED, denied.authType());
        assertTrue(denied.value().contains("expired"), denied.value());
        send(conn, sync("hp-x", SyncProtocol.encodeUpdate(U1))); // queued for a token that never comes
        Thread.sleep(300);
        assertTrue(journal.persistedInStorage("room|hp-x").isEmpty());
    }

    @Test
    void tooMuchBeforeAuthenticationOrTooManyDocumentsCloses4429() throws Exception {
        TestProbe<SocketOut.Written> socket = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn = connect(socket, true);
        for (int i = 0; i < 5; i++) send(conn, sync("hp-q", SyncProtocol.encodeSyncStep1(new byte[] {0})));
        assertEquals(4429, closeOf(socket).code(), "more than auth.max_pending_messages before the token");

        TestProbe<SocketOut.Written> many = kit.createTestProbe();
        ActorRef<ClientConnection.Command> conn2 = connect(many, true);
        for (int i = 0; i < 4; i++) send(conn2, HocuspocusProtocol.token("hp-m" + i, ""));
        assertEquals(4429, closeOf(many).code(), "one document more than hocuspocus.max_documents_per_socket");

        TestProbe<SocketOut.Written> garbage = kit.createTestProbe();
        send(connect(garbage, true), new byte[] {9, 'x'});
        assertEquals(4400, closeOf(garbage).code());
    }
}
