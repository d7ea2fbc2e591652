package org.civicpress.realtime.services;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logging service of the module: a thin facade so that hosting code can route logs; SLF4J by default. */
public interface RealtimeLogger {
    void debug(String message, Object... args);

    void info(String message, Object... args);

    void warn(String message, Object... args);

    void error(String message, Object... args);

    static RealtimeLogger slf4j(String name) {
        Logger log = LoggerFactory.getLogger(name);
        return new RealtimeLogger() {
            @Override public void debug(String m, Object... a) { log.debug(m, a); }
            @Override public void info(String m, Object... a) { log.info(m, a); }
            @Override public void warn(String m, Object... a) { log.warn(m, a); }
            @Override public void error(String m, Object... a) { log.error(m, a); }
        };
    }
}
