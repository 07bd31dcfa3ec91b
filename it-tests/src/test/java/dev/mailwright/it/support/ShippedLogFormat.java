package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Log events as the shipped {@code conf/logback.xml} writes them (its encoder pattern and conversion rules), so that
 * tests see the lines an operator, fail2ban or a SIEM sees; the tests themselves log with their own format.
 */
public final class ShippedLogFormat {
    private final PatternLayout layout;

    private ShippedLogFormat(PatternLayout layout) {
        this.layout = layout;
    }

    /** The format of {@code conf}'s {@code logback.xml}. */
    public static ShippedLogFormat of(Path conf) {
        String xml;
        try {
            xml = Files.readString(conf.resolve("logback.xml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher pattern = Pattern.compile("<pattern>([^<]*)</pattern>").matcher(xml);
        if (!pattern.find()) {
            throw new IllegalStateException("no <pattern> in " + conf.resolve("logback.xml"));
        }
        PatternLayout layout = new PatternLayout();
        layout.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        Matcher rule = Pattern.compile("<conversionRule conversionWord=\"([^\"]+)\" converterClass=\"([^\"]+)\"").matcher(xml);
        while (rule.find()) {
            layout.getInstanceConverterMap().put(rule.group(1), rule.group(2));
        }
        layout.setPattern(pattern.group(1).replace("&apos;", "'"));
        layout.start();
        return new ShippedLogFormat(layout);
    }

    /** The event as written to the console, with its line separator. */
    public String format(ILoggingEvent event) {
        return layout.doLayout(event);
    }
}
