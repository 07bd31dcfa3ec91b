package dev.mailwright.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;

/**
 * Logback conversion word for an event's exception ({@code %problemStack} in {@code conf/logback.xml}, placed right
 * after {@code %msg}): a stack trace only where there is a problem, at WARN and ERROR; at INFO and below the
 * exception is summed up on the same line, {@code (ExceptionClass: message)}.
 *
 * <p>Why: James logs input it refused at INFO with the whole exception (WebAdmin's "Invalid username" when a user is
 * added to an unknown domain: 30 lines for one typo). Those are not errors, the level says so, but the message alone
 * would hide why the input was refused. Raising those loggers to WARN would also hide what they log at INFO that
 * matters; this keeps every event and its reason, in one line.
 */
public class ProblemStackTraces extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable == null) {
            return CoreConstants.EMPTY_STRING;
        }
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            String trace = super.convert(event);
            return CoreConstants.LINE_SEPARATOR + trace.stripTrailing();
        }
        return " (" + summary(throwable) + ")";
    }

    /** The exception and, when it differs, its root cause: class names and the first line of their messages. */
    static String summary(IThrowableProxy throwable) {
        IThrowableProxy root = throwable;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String summary = describe(throwable);
        return root == throwable ? summary : summary + "; cause: " + describe(root);
    }

    private static String describe(IThrowableProxy throwable) {
        String name = throwable.getClassName().substring(throwable.getClassName().lastIndexOf('.') + 1);
        String message = throwable.getMessage();
        if (message == null || message.isBlank()) {
            return name;
        }
        String firstLine = message.strip().lines().findFirst().orElse("");
        return name + ": " + firstLine;
    }
}
