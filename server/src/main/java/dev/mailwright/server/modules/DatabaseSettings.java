package dev.mailwright.server.modules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;

/**
 * The database Mailwright keeps its state in, read from {@code conf/james-database.properties}.
 *
 * <p>Without {@code database.url} the server uses embedded Derby in {@code <data>/derby}: nothing to install,
 * everything below the data folder. PostgreSQL (or any JDBC database OpenJPA supports) is chosen by setting
 * {@code database.driverClassName}, {@code database.url}, {@code database.username} and either
 * {@code database.password} or, better, {@code database.passwordFile} (a file holding the password, e.g. a Docker
 * secret), so that no secret has to be written into the configuration.
 */
public record DatabaseSettings(String driverClassName, String url, Optional<String> username,
                               Optional<String> password, Map<String, String> openJpaProperties,
                               List<String> connectionProperties) {

    static final String DERBY_DRIVER = "org.apache.derby.jdbc.EmbeddedDriver";

    public static DatabaseSettings from(Configuration properties, Path dataDirectory) throws IOException {
        Optional<String> url = Optional.ofNullable(properties.getString("database.url", null)).filter(s -> !s.isBlank());
        String driver = Optional.ofNullable(properties.getString("database.driverClassName", null))
            .filter(s -> !s.isBlank())
            .orElse(url.isEmpty() ? DERBY_DRIVER : null);
        if (driver == null) {
            throw new IllegalArgumentException("james-database.properties sets database.url but not database.driverClassName");
        }
        String effectiveUrl = url.orElseGet(() -> "jdbc:derby:" + dataDirectory.resolve("derby") + ";create=true");

        Optional<String> password = Optional.ofNullable(properties.getString("database.password", null));
        Optional<String> passwordFile = Optional.ofNullable(properties.getString("database.passwordFile", null));
        if (passwordFile.isPresent()) {
            password = Optional.of(Files.readString(Path.of(passwordFile.get()), StandardCharsets.UTF_8).strip());
        }

        Map<String, String> openJpa = new HashMap<>();
        List<String> connection = new ArrayList<>();
        for (Iterator<String> keys = properties.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            if (key.startsWith("openjpa.")) {
                openJpa.put(key, properties.getString(key));
            } else if (key.startsWith("datasource.")) {
                // DBCP2 pool properties, passed to OpenJPA as "Name=value" pairs (e.g. datasource.MaxTotal=20)
                connection.add(key.substring("datasource.".length()) + "=" + properties.getString(key));
            }
        }
        return new DatabaseSettings(driver, effectiveUrl,
            Optional.ofNullable(properties.getString("database.username", null)),
            password, Map.copyOf(openJpa), List.copyOf(connection));
    }

    public boolean isEmbeddedDerby() {
        return url.startsWith("jdbc:derby:") && !url.startsWith("jdbc:derby://");
    }

    /** The URL that shuts down this embedded Derby database (and only it) cleanly. */
    public Optional<String> derbyShutdownUrl() {
        if (!isEmbeddedDerby()) {
            return Optional.empty();
        }
        String base = url.substring(0, url.indexOf(';') < 0 ? url.length() : url.indexOf(';'));
        return Optional.of(base + ";shutdown=true");
    }

    /**
     * Where embedded Derby writes its own log ({@code derby.log}): beside the database folder, so in the data folder
     * by default (Derby's default is the process's current folder). Empty for other databases or a relative URL.
     */
    public Optional<Path> derbyLog() {
        if (!isEmbeddedDerby()) {
            return Optional.empty();
        }
        String base = url.substring("jdbc:derby:".length(), url.indexOf(';') < 0 ? url.length() : url.indexOf(';'));
        Path database = Path.of(base.startsWith("directory:") ? base.substring("directory:".length()) : base);
        return database.isAbsolute() ? Optional.of(database.resolveSibling("derby.log")) : Optional.empty();
    }

    /** The URL with any password parameter removed, for logs. */
    public String describe() {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }
}
