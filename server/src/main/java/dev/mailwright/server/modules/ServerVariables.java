package dev.mailwright.server.modules;

import java.util.Map;
import java.util.Optional;

/**
 * Values the shipped XML refers to as {@code ${mailwright:NAME}}, so that one configuration serves every
 * deployment: {@code hostname} (HELO name, certificate subject, default domain), {@code postmaster}, {@code data}
 * (the data directory) and {@code conf}.
 */
public record ServerVariables(Map<String, String> values) {
    public static final String PREFIX = "mailwright";

    public ServerVariables {
        values = Map.copyOf(values);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String hostname() {
        return values.get("hostname");
    }
}
