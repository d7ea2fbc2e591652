package org.civicpress.realtime.persistence;

/** The databases the journal can live in; each has its own DDL script and HOCON file. */
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

    /** Derives the kind from a JDBC url: anything that is not PostgreSQL is treated as H2. */
    public static DatabaseKind fromJdbcUrl(String url) {
        return url != null && url.startsWith("jdbc:postgresql:") ? POSTGRES : H2;
    }
}
