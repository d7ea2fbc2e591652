package org.civicpress.realtime.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** The admin inspector's event buffer on a real in-process hook system: bounded, ordered, live subscribers. */
class RecentHookEventsTest {

    private static HookEvent event(String room) {
        return HookEvent.ofRoom(HookEvents.ROOM_CREATED, room, "n1", Map.of());
    }

    @Test
    void keepsTheLastEventsOfEveryNameInEmitOrderAndNoMore() throws Exception {
        InProcessHookSystem hooks = new InProcessHookSystem(null);
        RecentHookEvents recent = RecentHookEvents.attach(hooks, 3);
        LinkedBlockingQueue<HookEvent> last = new LinkedBlockingQueue<>();
        hooks.on(HookEvents.ANY, last::add);
        for (int i = 1; i <= 5; i++) hooks.emit(event("r" + i));
        hooks.emit(HookEvent.ofClient(HookEvents.CLIENT_CONNECTED, "r6", "n1", "c1", "alice", null, Map.of()));
        hooks.close(); // drains the listeners
        List<RecentHookEvents.Recorded> kept = recent.recent();
        assertEquals(
                List.of("r4", "r5", "r6"),
                kept.stream().map(r -> r.event().roomId()).toList());
        assertEquals(
                List.of(4L, 5L, 6L),
                kept.stream().map(RecentHookEvents.Recorded::seq).toList());
        assertEquals(HookEvents.CLIENT_CONNECTED, kept.get(2).event().event());
        assertThrows(IllegalArgumentException.class, () -> new RecentHookEvents(0));
    }

    @Test
    void aSubscriberGetsEverythingAfterItsSnapshotOnceAndAThrowingOneIsDropped() {
        RecentHookEvents recent = new RecentHookEvents(10);
        recent.accept(event("before"));
        List<String> seen = new CopyOnWriteArrayList<>();
        RecentHookEvents.Subscription subscription =
                recent.subscribe(r -> seen.add(r.event().roomId()));
        assertEquals(
                List.of("before"),
                subscription.recent().stream().map(r -> r.event().roomId()).toList());
        List<String> slow = new CopyOnWriteArrayList<>();
        recent.subscribe(r -> {
            slow.add(r.event().roomId());
            throw new IllegalStateException("full");
        });
        assertEquals(2, recent.subscribers());
        recent.accept(event("after-1"));
        recent.accept(event("after-2"));
        assertEquals(List.of("after-1", "after-2"), seen);
        assertEquals(List.of("after-1"), slow, "dropped at its first failure");
        assertEquals(1, recent.subscribers());
        subscription.cancel().run();
        recent.accept(event("after-3"));
        assertEquals(2, seen.size(), "cancelled");
        assertEquals(0, recent.subscribers());
    }
}
