package org.civicpress.realtime.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HookSystemTest {

    private static HookEvent event(String name, String room) {
        return HookEvent.ofRoom(name, room, "node-1", Map.of("k", 1));
    }

    @Test
    void deliversToExactAndWildcardListenersInEmitOrder() throws Exception {
        HookSystem hooks = HookSystem.inProcess();
        LinkedBlockingQueue<String> exact = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> any = new LinkedBlockingQueue<>();
        hooks.on(HookEvents.ROOM_CREATED, e -> exact.add(e.roomId()));
        hooks.on(HookEvents.ANY, e -> any.add(e.event() + "/" + e.roomId()));

        hooks.emit(event(HookEvents.ROOM_CREATED, "a"));
        hooks.emit(event(HookEvents.CLIENT_CONNECTED, "a"));
        hooks.emit(event(HookEvents.ROOM_CREATED, "b"));

        assertEquals("a", exact.poll(10, TimeUnit.SECONDS));
        assertEquals("b", exact.poll(10, TimeUnit.SECONDS));
        assertEquals(HookEvents.ROOM_CREATED + "/a", any.poll(10, TimeUnit.SECONDS));
        assertEquals(HookEvents.CLIENT_CONNECTED + "/a", any.poll(10, TimeUnit.SECONDS));
        assertEquals(HookEvents.ROOM_CREATED + "/b", any.poll(10, TimeUnit.SECONDS));
        ((AutoCloseable) hooks).close();
    }

    @Test
    void failingListenerDoesNotStopOthersNorReachTheEmitter() throws Exception {
        HookSystem hooks = HookSystem.inProcess();
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        hooks.on(HookEvents.SNAPSHOT_SAVED, e -> {
            throw new IllegalStateException("boom");
        });
        hooks.on(HookEvents.SNAPSHOT_SAVED, e -> seen.add(e.roomId()));
        hooks.emit(event(HookEvents.SNAPSHOT_SAVED, "r1"));
        hooks.emit(event(HookEvents.SNAPSHOT_SAVED, "r2"));
        assertEquals("r1", seen.poll(10, TimeUnit.SECONDS));
        assertEquals("r2", seen.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void emitDoesNotWaitForSlowListeners() throws Exception {
        HookSystem hooks = HookSystem.inProcess();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(3);
        hooks.on(HookEvents.ROOM_DESTROYED, e -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) hooks.emit(event(HookEvents.ROOM_DESTROYED, "r"));
        long emitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(emitMillis < 5_000, "emit blocked for " + emitMillis + " ms");
        assertEquals(3, done.getCount());
        release.countDown();
        assertTrue(done.await(30, TimeUnit.SECONDS));
    }

    @Test
    void closeDrainsEverythingEmittedBeforeAndDropsLaterEmits() throws Exception {
        InProcessHookSystem hooks = new InProcessHookSystem(null);
        List<String> seen = new CopyOnWriteArrayList<>();
        hooks.on(HookEvents.ANY, e -> {
            try {
                Thread.sleep(5); // a slow listener: the queue is still full when close starts
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            seen.add(e.roomId());
        });
        for (int i = 0; i < 50; i++) hooks.emit(event(HookEvents.ROOM_CREATED, "r" + i));
        hooks.close();
        assertEquals(50, seen.size(), "close waits until the listeners saw every earlier event");
        hooks.emit(event(HookEvents.ROOM_CREATED, "late")); // refused and logged, never thrown
        Thread.sleep(50);
        assertEquals(50, seen.size());
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        HookSystem hooks = HookSystem.inProcess();
        List<String> first = new CopyOnWriteArrayList<>();
        LinkedBlockingQueue<String> marker = new LinkedBlockingQueue<>();
        Runnable off = hooks.on(HookEvents.CLIENT_DISCONNECTED, e -> first.add(e.roomId()));
        hooks.on(HookEvents.CLIENT_DISCONNECTED, e -> marker.add(e.roomId()));
        hooks.emit(event(HookEvents.CLIENT_DISCONNECTED, "one"));
        assertEquals("one", marker.poll(10, TimeUnit.SECONDS));
        off.run();
        hooks.emit(event(HookEvents.CLIENT_DISCONNECTED, "two"));
        assertEquals("two", marker.poll(10, TimeUnit.SECONDS));
        assertEquals(List.of("one"), first);
    }

    @Test
    void hookEventFillsDefaultsAndCopiesData() {
        Map<String, Object> data = new HashMap<>();
        data.put("a", 1);
        data.put("nothing", null);
        HookEvent e = new HookEvent(HookEvents.CLIENT_CONNECTED, null, "room", "document", "n", "c", "u", null, data);
        data.put("b", 2);
        assertNotNull(e.timestamp());
        assertTrue(e.timestamp().isBefore(Instant.now().plusSeconds(1)));
        assertNotNull(e.id());
        assertNotEquals(
                e.id(),
                new HookEvent(HookEvents.CLIENT_CONNECTED, null, "room", "document", "n", "c", "u", null, data).id(),
                "a fresh id per event");
        assertNull(e.correlationId(), "no connection correlation id given: none invented");
        assertEquals(
                "req-1",
                HookEvent.ofClient(HookEvents.CLIENT_CONNECTED, "r", "n", "c", null, "req-1", null)
                        .correlationId());
        assertEquals(Map.of("a", 1), e.data());
        assertNull(e.data().get("b"));
        assertThrows(UnsupportedOperationException.class, () -> e.data().put("x", 1));
        assertThrows(NullPointerException.class, () -> HookEvent.ofRoom(null, "r", "n", null));
    }
}
