package org.civicpress.realtime.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.civicpress.realtime.config.RealtimeConfig.DatabaseType;
import org.junit.jupiter.api.Test;

class DatabaseKindTest {
    @Test
    void everyConfiguredDatabaseTypeHasItsKind() {
        for (DatabaseType type : DatabaseType.values()) {
            assertEquals(type.name(), DatabaseKind.of(type).name());
        }
        assertEquals(
                DatabaseKind.H2,
                DatabaseSettings.h2In(java.nio.file.Path.of("data")).kind());
    }
}
