package org.civicpress.realtime.services;

import java.util.function.Function;

/** A typed factory handed in by another module (e.g. the http module's server), so core stays HTTP-free. */
public record ServiceFactory<T>(Class<T> type, Function<ServiceContainer, ? extends T> create) {}
