package org.civicpress.realtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The shipped logback.xml: text by default, one JSON object per line with REALTIME_LOG_FORMAT=json,
 * root level from REALTIME_LOG_LEVEL, the MDC keys in both layouts, and a quiet start (no logback status
 * warning, which would make logback print its internal status). Each test uses its own
 * LoggerContext, so the suite's own logging is untouched. (Logback resolves ${VAR} from context and
 * system properties before the environment, so a property stands in for the variable here.)
 */
class LogbackConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> MDC_KEYS = Map.of(
            "roomId", "room-1", "clientId", "c-42", "userId", "u-7", "correlationId", "corr-9", "node", "node-a");

    @Test
    void theJsonEncoderWritesEveryMdcKeyAsAField() throws Exception {
        LoggerContext context = newContext();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(bytes);
        appender.start();
        Logger logger = context.getLogger("org.civicpress.realtime.room.Room");
        logger.addAppender(appender);

        withMdc(() -> logger.info("room {} started", "room-1"));
        context.stop();

        JsonNode line = JSON.readTree(bytes.toString(StandardCharsets.UTF_8).strip());
        assertEquals("room room-1 started", line.path("message").asText());
        assertEquals("INFO", line.path("level").asText());
        assertEquals(
                "org.civicpress.realtime.room.Room", line.path("logger_name").asText());
        MDC_KEYS.forEach((key, value) -> assertEquals(value, line.path(key).asText(), key));
    }

    @Test
    void logbackXmlSwitchesToJsonAndTheLevelByVariable() throws Exception {
        String out = logThroughShippedConfig(Map.of("REALTIME_LOG_FORMAT", "json", "REALTIME_LOG_LEVEL", "WARN"));
        String[] lines = out.strip().split("\n");
        assertEquals(1, lines.length, "INFO is below REALTIME_LOG_LEVEL=WARN: only the warning is written\n" + out);
        JsonNode line = JSON.readTree(lines[0]);
        assertEquals("WARN", line.path("level").asText());
        assertEquals("disk almost full", line.path("message").asText());
        MDC_KEYS.forEach((key, value) -> assertEquals(value, line.path(key).asText(), key));
    }

    @Test
    void logbackXmlDefaultsToTextAtInfoWithRoomAndClient() throws Exception {
        String out = logThroughShippedConfig(Map.of());
        assertTrue(out.contains("INFO "), out);
        assertTrue(out.contains("room=room-1 client=c-42 corr=corr-9 - hello"), out);
        assertTrue(out.contains("WARN "), out);
        assertFalse(out.strip().startsWith("{"), "text, not JSON: " + out);
    }

    @Test
    void logbackXmlStartsQuietlyInBothFormats() throws Exception {
        // Any WARN while configuring makes logback print its whole internal status (about 30 lines) at start.
        for (Map<String, String> variables : List.of(
                Map.<String, String>of(),
                Map.of("REALTIME_LOG_FORMAT", "text"),
                Map.of("REALTIME_LOG_FORMAT", "json"))) {
            LoggerContext context = configuredContext(variables);
            try {
                assertTrue(
                        new StatusUtil(context).getHighestLevel(0) < Status.WARN,
                        variables + ": " + context.getStatusManager().getCopyOfStatusList());
                assertTrue(
                        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console") != null,
                        variables.toString());
            } finally {
                context.stop();
            }
        }
    }

    @Test
    void anUnknownLogFormatIsReportedByLogback() throws Exception {
        LoggerContext context = configuredContext(Map.of("REALTIME_LOG_FORMAT", "xml"));
        try {
            assertTrue(
                    new StatusUtil(context).getHighestLevel(0) >= Status.WARN,
                    context.getStatusManager().getCopyOfStatusList().toString());
        } finally {
            context.stop();
        }
    }

    @Test
    void textLinesWithoutMdcHaveNoEmptyFields() throws Exception {
        String out = logThroughShippedConfig(Map.of(), false);
        assertTrue(out.contains("o.c.r.connection.ClientConnection - hello"), out);
    }

    private static LoggerContext configuredContext(Map<String, String> variables) throws Exception {
        URL config = LogbackConfigTest.class.getClassLoader().getResource("logback.xml");
        assertTrue(config != null, "logback.xml on the classpath");
        LoggerContext context = newContext();
        variables.forEach(context::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
        return context;
    }

    private static String logThroughShippedConfig(Map<String, String> variables) throws Exception {
        return logThroughShippedConfig(variables, true);
    }

    /** Configures a fresh context from the classpath logback.xml with these variables; returns stdout. */
    private static String logThroughShippedConfig(Map<String, String> variables, boolean mdc) throws Exception {
        URL config = LogbackConfigTest.class.getClassLoader().getResource("logback.xml");
        assertTrue(config != null, "logback.xml on the classpath");
        PrintStream realOut = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoggerContext context = newContext();
        variables.forEach(context::putProperty);
        // The console appender writes to whatever System.out is at the time of each write.
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(config);
            Logger logger = context.getLogger("org.civicpress.realtime.connection.ClientConnection");
            Runnable lines = () -> {
                logger.info("hello");
                logger.warn("disk almost full");
            };
            if (mdc) {
                withMdc(lines);
            } else {
                lines.run();
            }
            context.stop();
        } finally {
            System.setOut(realOut);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A context of its own, sharing SLF4J's MDC (logback 1.5 keeps an MDC adapter per context). */
    private static LoggerContext newContext() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(((LoggerContext) LoggerFactory.getILoggerFactory()).getMDCAdapter());
        context.start();
        return context;
    }

    private static void withMdc(Runnable body) {
        MDC_KEYS.forEach(MDC::put);
        try {
            body.run();
        } finally {
            MDC_KEYS.keySet().forEach(MDC::remove);
        }
    }
}
