package org.civicpress.realtime.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/**
 * The Pekko configuration fragment that points pekko-persistence-jdbc at {@link DatabaseSettings}:
 * connection values on top of the database's HOCON file (profile, driver) on top of persistence.conf
 * (plugin wiring). Resources come from the cluster-config module on the classpath. Unresolved: the
 * caller layers it and resolves once.
 */
public final class PersistenceConfig {
    private PersistenceConfig() {}

    public static Config forDatabase(DatabaseSettings db) {
        Config connection = ConfigFactory.parseMap(
                Map.of(
                        "realtime.db.url", db.url(),
                        "realtime.db.user", db.user(),
                        "realtime.db.password", db.password()),
                "realtime database settings");
        return connection.withFallback(resource(db.kind().hoconResource())).withFallback(resource("persistence.conf"));
    }

    private static Config resource(String name) {
        Config config = ConfigFactory.parseResources(PersistenceConfig.class.getClassLoader(), name);
        if (config.isEmpty()) {
            throw new IllegalStateException(
                    "configuration resource " + name + " is missing from the classpath (cluster-config module)");
        }
        return config;
    }
}
