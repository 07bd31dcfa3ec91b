package dev.mailwright.smtp.policy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.util.DurationParser;

/**
 * Reads a handler's {@code <handler>} subtree of {@code smtpserver.xml} with defaults, and turns any bad value into a
 * {@link ConfigurationException} naming the handler and the element, so the server refuses to start with a precise
 * message instead of running with a half-understood policy.
 */
public final class Settings {
    private final String handler;
    private final Configuration configuration;

    public Settings(String handler, Configuration configuration) {
        this.handler = handler;
        this.configuration = configuration;
    }

    public PolicyMode mode() throws ConfigurationException {
        String value = configuration.getString("mode", "enforce");
        try {
            return PolicyMode.parse(value);
        } catch (IllegalArgumentException e) {
            throw problem("mode", e.getMessage());
        }
    }

    /** The trimmed value of {@code key}, if set and not blank. */
    public java.util.Optional<String> string(String key) {
        return java.util.Optional.ofNullable(configuration.getString(key, null)).map(String::strip).filter(value -> !value.isEmpty());
    }

    public boolean bool(String key, boolean defaultValue) throws ConfigurationException {
        String value = configuration.getString(key, null);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw problem(key, "'" + value + "' is not true or false");
        };
    }

    public int integer(String key, int defaultValue) throws ConfigurationException {
        String value = configuration.getString(key, null);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < 0) {
                throw problem(key, "must not be negative");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw problem(key, "'" + value + "' is not a number");
        }
    }

    /** A duration such as {@code 300}, {@code 5 minutes}, {@code 2h}; a bare number is in seconds. */
    public Duration duration(String key, Duration defaultValue) throws ConfigurationException {
        String value = configuration.getString(key, null);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return DurationParser.parse(value.strip(), ChronoUnit.SECONDS);
        } catch (IllegalArgumentException e) {
            throw problem(key, "'" + value + "' is not a duration (e.g. 300, 5 minutes, 2h)");
        }
    }

    /** Values separated by commas or white space, from one element or several elements of the same name. */
    public List<String> list(String key) {
        return Arrays.stream(configuration.getStringArray(key))
            .flatMap(value -> Arrays.stream(value.split("[,\\s]+")))
            .filter(value -> !value.isBlank())
            .toList();
    }

    public NetworkList networks(String key) throws ConfigurationException {
        try {
            return NetworkList.parse(list(key));
        } catch (IllegalArgumentException e) {
            throw problem(key, e.getMessage());
        }
    }

    public ConfigurationException problem(String key, String message) {
        return new ConfigurationException(handler + ": <" + key + "> " + message);
    }
}
