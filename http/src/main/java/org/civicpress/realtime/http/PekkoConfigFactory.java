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
 * named by -Dconfig.resource or -Dconfig.file if any (e.g. local1.conf), values derived from the realtime configuration,
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

    private static Config explicitFile() {
        String resourceName = System.getProperty("config.resource");
        if (resourceName != null) {
            return resource(resourceName);
        }
        String fileName = System.getProperty("config.file");
        if (fileName == null) {
            return null;
        }
        java.io.File file = new java.io.File(fileName);
        if (!file.isFile()) {
            throw new IllegalStateException("configuration file " + fileName + " (-Dconfig.file) not found");
        }
        return ConfigFactory.parseFile(file);
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

        // -Dconfig.resource=local1.conf or -Dconfig.file=node1.conf (a node of a local cluster) is explicit:
        // it wins over derived values.
        Config application = resource("application.conf");
        Config layered = fromRealtime.withFallback(PersistenceConfig.forDatabase(database)).withFallback(application);
        Config explicit = explicitFile();
        if (explicit != null) {
            layered = explicit.withFallback(layered);
        }
        // load(): system properties on top, reference.conf below, then resolve substitutions once.
        return ConfigFactory.load(layered);
    }
}
