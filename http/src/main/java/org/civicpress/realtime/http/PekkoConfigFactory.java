package org.civicpress.realtime.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;
import org.civicpress.realtime.config.RealtimeConfig;
import org.civicpress.realtime.persistence.DatabaseSettings;
import org.civicpress.realtime.persistence.PersistenceConfig;

/**
 * Builds the ActorSystem configuration. Strongest first: JVM system properties (-Dpekko...), the file
 * named by -Dconfig.resource if any (e.g. local1.conf), values derived from the realtime configuration,
 * the database's persistence files, application.conf from cluster-config, every library's reference.conf.
 */
final class PekkoConfigFactory {
    private PekkoConfigFactory() {
    }

    private static Config resource(String name) {
        Config config = ConfigFactory.parseResources(PekkoConfigFactory.class.getClassLoader(), name);
        if (config.isEmpty()) {
            throw new IllegalStateException("configuration resource " + name + " not found on the classpath");
        }
        return config;
    }

    static Config build(RealtimeConfig config, DatabaseSettings database) {
        Map<String, Object> derived = new HashMap<>();
        RealtimeConfig.Cluster cluster = config.cluster();
        derived.put("pekko.remote.artery.canonical.hostname", cluster.canonicalHost());
        derived.put("pekko.remote.artery.canonical.port", cluster.canonicalPort());
        derived.put("pekko.cluster.seed-nodes", cluster.seedNodes());
        derived.put("realtime.websocket.max-message-bytes", config.websocket().maxMessageBytes());
        derived.put("pekko.http.server.websocket.periodic-keep-alive-max-idle",
                config.websocket().pingInterval().toMillis() + "ms");
        Config fromRealtime = ConfigFactory.parseMap(derived, "realtime.yml / REALTIME_* environment");

        // -Dconfig.resource=local1.conf (a node of the local cluster) is explicit: it wins over derived values.
        String explicit = System.getProperty("config.resource");
        Config application = resource("application.conf");
        Config layered = explicit == null
                ? fromRealtime.withFallback(PersistenceConfig.forDatabase(database)).withFallback(application)
                : resource(explicit).withFallback(fromRealtime).withFallback(PersistenceConfig.forDatabase(database))
                        .withFallback(application);
        // load(): system properties on top, reference.conf below, then resolve substitutions once.
        return ConfigFactory.load(layered);
    }
}
