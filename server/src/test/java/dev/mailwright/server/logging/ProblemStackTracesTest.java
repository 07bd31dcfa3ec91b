package dev.mailwright.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;

class ProblemStackTracesTest {
    /** The shipped pattern of conf/logback.xml, without the date. */
    private final PatternLayout layout = layout("%-5level %logger{32} - %msg%problemStack%n");

    @Test
    void refusedInputLoggedAtInfoIsOneLineThatSaysWhy() {
        Exception refusal = new IllegalArgumentException("Username supplied is invalid",
            new IllegalStateException("Domain does not exist in DomainList\nsecond line"));

        String line = layout.doLayout(event(Level.INFO, "Invalid username", refusal));

        assertThat(line).isEqualTo("INFO  o.a.j.webadmin.routes.UserRoutes - Invalid username (IllegalArgumentException: "
            + "Username supplied is invalid; cause: IllegalStateException: Domain does not exist in DomainList)"
            + CoreConstants.LINE_SEPARATOR);
    }

    @Test
    void problemsKeepTheirStackTrace() {
        String lines = layout.doLayout(event(Level.ERROR, "Fatal error", new IllegalStateException("broken")));

        assertThat(lines).startsWith("ERROR o.a.j.webadmin.routes.UserRoutes - Fatal error" + CoreConstants.LINE_SEPARATOR
            + "java.lang.IllegalStateException: broken" + CoreConstants.LINE_SEPARATOR + "\tat ");
        assertThat(lines).endsWith(CoreConstants.LINE_SEPARATOR).doesNotEndWith(CoreConstants.LINE_SEPARATOR + CoreConstants.LINE_SEPARATOR);
    }

    @Test
    void eventsWithoutExceptionAreUnchanged() {
        assertThat(layout.doLayout(event(Level.INFO, "Started", null)))
            .isEqualTo("INFO  o.a.j.webadmin.routes.UserRoutes - Started" + CoreConstants.LINE_SEPARATOR);
    }

    private static PatternLayout layout(String pattern) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("problemStack", ProblemStackTraces.class.getName());
        layout.setPattern(pattern);
        layout.start();
        return layout;
    }

    private static LoggingEvent event(Level level, String message, Throwable throwable) {
        Logger logger = (Logger) LoggerFactory.getLogger("org.apache.james.webadmin.routes.UserRoutes");
        return new LoggingEvent(Logger.class.getName(), logger, level, message, throwable, null);
    }
}
