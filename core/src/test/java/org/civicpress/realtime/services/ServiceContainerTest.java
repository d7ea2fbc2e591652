package org.civicpress.realtime.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceContainerTest {

    record Repo(String name) {}

    record Svc(Repo repo) {}

    @Test
    void servicesAreLazySingletons() {
        AtomicInteger created = new AtomicInteger();
        ServiceContainer c = new ServiceContainer()
                .register("repo", Repo.class, x -> {
                    created.incrementAndGet();
                    return new Repo("r");
                })
                .register("svc", Svc.class, x -> new Svc(x.resolve("repo", Repo.class)));
        assertEquals(0, created.get());
        Svc svc = c.resolve("svc", Svc.class);
        assertSame(svc, c.resolve("svc", Svc.class));
        assertSame(svc.repo(), c.resolve("repo", Repo.class));
        assertEquals(1, created.get());
        assertSame(svc, c.resolve("svc", Object.class), "a supertype is fine");
        assertEquals(Optional.empty(), c.resolveOptional("nope", Repo.class));
    }

    @Test
    void missingKeyNamesTheKeyAndTheRegisteredOnes() {
        ServiceContainer c = new ServiceContainer().register("repo", Repo.class, x -> new Repo("r"));
        ServiceContainerError.NotFound e =
                assertThrows(ServiceContainerError.NotFound.class, () -> c.resolve("database", Repo.class));
        assertEquals("No service registered under 'database' (registered: repo)", e.getMessage());
        assertEquals("SERVICE_NOT_FOUND", e.code());
    }

    @Test
    void wrongTypeIsReported() {
        ServiceContainer c = new ServiceContainer().register("repo", Repo.class, x -> new Repo("r"));
        ServiceContainerError.WrongType e =
                assertThrows(ServiceContainerError.WrongType.class, () -> c.resolve("repo", Svc.class));
        assertTrue(e.getMessage().contains("Repo, not a"), e.getMessage());
    }

    @Test
    void cycleShowsItsPath() {
        ServiceContainer c = new ServiceContainer()
                .register("entry", Svc.class, x -> new Svc(x.resolve("a", Repo.class)))
                .register("a", Repo.class, x -> x.resolve("b", Repo.class))
                .register("b", Repo.class, x -> x.resolve("c", Repo.class))
                .register("c", Repo.class, x -> x.resolve("a", Repo.class));
        ServiceContainerError.Cycle e =
                assertThrows(ServiceContainerError.Cycle.class, () -> c.resolve("entry", Svc.class));
        assertEquals("Dependency cycle: a -> b -> c -> a", e.getMessage());
        // Nothing half-created stays behind: the same error again, not a stale state.
        assertThrows(ServiceContainerError.Cycle.class, () -> c.resolve("b", Repo.class));
    }

    @Test
    void failedCreationIsNotCachedAndDuplicatesAreRejected() {
        AtomicInteger calls = new AtomicInteger();
        ServiceContainer c = new ServiceContainer().register("flaky", Repo.class, x -> {
            if (calls.incrementAndGet() == 1) throw new IllegalStateException("not yet");
            return new Repo("ok");
        });
        ServiceContainerError.CreationFailed e =
                assertThrows(ServiceContainerError.CreationFailed.class, () -> c.resolve("flaky", Repo.class));
        assertTrue(e.getMessage().contains("not yet"));
        assertEquals("ok", c.resolve("flaky", Repo.class).name());
        assertThrows(IllegalStateException.class, () -> c.register("flaky", Repo.class, x -> new Repo("2")));
    }

    @Test
    void closeClosesCreatedServicesInReverseOrder() {
        List<String> closed = new ArrayList<>();
        ServiceContainer c = new ServiceContainer()
                .register("first", AutoCloseable.class, x -> () -> closed.add("first"))
                .register("second", AutoCloseable.class, x -> {
                    x.resolve("first", AutoCloseable.class);
                    return () -> closed.add("second");
                })
                .register("never", AutoCloseable.class, x -> () -> closed.add("never"));
        c.resolve("second", AutoCloseable.class);
        c.close();
        assertEquals(List.of("second", "first"), closed);
        assertThrows(IllegalStateException.class, () -> c.resolve("first", AutoCloseable.class));
    }
}
