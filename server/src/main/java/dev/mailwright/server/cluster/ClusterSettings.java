package dev.mailwright.server.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.apache.james.util.DurationParser;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.mailwright.server.startup.ConfigFiles;
import dev.mailwright.server.startup.StartupProblem;

/**
 * The {@code conf/cluster.xml} section: several servers sharing one PostgreSQL database and a RabbitMQ broker.
 * Without {@code <rabbitmq>} (the shipped file) the server runs alone, exactly as without the file.
 *
 * @param rabbitMqUri where the broker is, with the password (from {@code <passwordFile>} when given) in it
 * @param nodeName this server's name among the others (logs, health); unique per server
 * @param counterSync how often this server adds its rate-limit and AUTH-failure counts to the shared ones and reads
 *                    the others' (the error bound of those limits, docs/cluster.md)
 */
public record ClusterSettings(URI rabbitMqUri, String nodeName, Duration counterSync) {
    public static final String FILE = "cluster.xml";
    static final Duration DEFAULT_COUNTER_SYNC = Duration.ofMillis(200);

    /** The cluster section of {@code conf/cluster.xml}; empty when this server runs alone. */
    public static Optional<ClusterSettings> read(ConfigFiles files, String hostname) throws StartupProblem {
        Optional<Document> document = files.xml(FILE);
        if (document.isEmpty()) {
            return Optional.empty();
        }
        Element root = document.get().getDocumentElement();
        Optional<String> uri = text(root, "rabbitmq").map(files::expand).filter(s -> !s.isBlank());
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> passwordFile = text(root, "passwordFile").map(files::expand).filter(s -> !s.isBlank());
        String nodeName = text(root, "nodeName").map(files::expand).filter(s -> !s.isBlank()).orElse(hostname);
        Duration sync = DEFAULT_COUNTER_SYNC;
        Optional<String> configuredSync = text(root, "counterSync").map(String::strip).filter(s -> !s.isBlank());
        if (configuredSync.isPresent()) {
            try {
                sync = DurationParser.parse(configuredSync.get(), ChronoUnit.MILLIS);
            } catch (IllegalArgumentException e) {
                throw new StartupProblem(FILE + ": <counterSync> '" + configuredSync.get() + "' is not a duration such as 200ms");
            }
            if (sync.isZero() || sync.isNegative() || sync.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new StartupProblem(FILE + ": <counterSync> must be between 1ms and 10s");
            }
        }
        return Optional.of(new ClusterSettings(brokerUri(uri.get(), passwordFile), nodeName, sync));
    }

    private static URI brokerUri(String value, Optional<String> passwordFile) throws StartupProblem {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new StartupProblem(FILE + ": <rabbitmq> '" + value + "' is not a URI such as amqp://mailwright@10.0.0.5:5672");
        }
        if (!"amqp".equals(uri.getScheme()) && !"amqps".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new StartupProblem(FILE + ": <rabbitmq> must be an amqp:// or amqps:// URI with a host, not '" + value + "'");
        }
        if (passwordFile.isEmpty()) {
            return uri;
        }
        String password;
        try {
            password = Files.readString(Path.of(passwordFile.get()), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new StartupProblem(FILE + ": cannot read <passwordFile> " + passwordFile.get() + ": " + e.getMessage(), e);
        }
        String user = Optional.ofNullable(uri.getRawUserInfo()).map(info -> info.split(":", 2)[0]).orElse("mailwright");
        String userInfo = user + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        String rest = uri.getRawPath() == null ? "" : uri.getRawPath();
        return URI.create(uri.getScheme() + "://" + userInfo + "@" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
            + rest + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** The URI without its password, for logs. */
    public String describeBroker() {
        String user = Optional.ofNullable(rabbitMqUri.getRawUserInfo()).map(info -> info.split(":", 2)[0] + "@").orElse("");
        return rabbitMqUri.getScheme() + "://" + user + rabbitMqUri.getHost() + (rabbitMqUri.getPort() > 0 ? ":" + rabbitMqUri.getPort() : "");
    }

    private static Optional<String> text(Element root, String name) {
        NodeList nodes = root.getElementsByTagName(name);
        if (nodes.getLength() == 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(nodes.item(0).getTextContent()).map(String::strip);
    }
}
