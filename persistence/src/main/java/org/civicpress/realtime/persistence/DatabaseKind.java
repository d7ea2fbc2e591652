package org.civicpress.realtime.persistence;

import org.civicpress.realtime.config.RealtimeConfig.DatabaseType;

/** What each database of {@link DatabaseType} needs here: its DDL script and HOCON file. */
public enum DatabaseKind {
    H2("persistence-h2.conf", "schema/realtime-h2.sql"),
    POSTGRES("persistence-postgres.conf", "schema/realtime-postgres.sql");

    private final String hoconResource;
    private final String schemaResource;

    DatabaseKind(String hoconResource, String schemaResource) {
        this.hoconResource = hoconResource;
        this.schemaResource = schemaResource;
    }

    /** The cluster-config resource that selects this database's Slick profile and driver. */
    public String hoconResource() {
        return hoconResource;
    }

    public String schemaResource() {
        return schemaResource;
    }

    /** The kind of the configured {@code database.type} (which the configuration checked against the url). */
    public static DatabaseKind of(DatabaseType type) {
        return switch (type) {
            case H2 -> H2;
            case POSTGRES -> POSTGRES;
        };
    }
}
