package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.inject.Module;

import dev.mailwright.server.MailwrightConfiguration;
import dev.mailwright.server.MailwrightServer;

/**
 * A Mailwright server for a test class: the shipped {@code conf/} copied to a temporary folder with every listener
 * moved to a free port on 127.0.0.1, a fresh data folder, and {@code conf/dnsservice.xml} pointing at the test's
 * {@link DnsServer}, so every lookup of the server takes the real resolver path. Tests address listeners by their
 * production port ({@code port(587)}).
 */
public final class TestServer implements AutoCloseable {
    public static final String HOSTNAME = "mail.example.test";
    private static final Pattern BIND = Pattern.compile("<bind>([^<:]+):(\\d+)</bind>");

    private final Path root;
    private final Path conf;
    private final Path data;
    private final Map<Integer, Integer> ports = new HashMap<>();
    private final DnsServer dns;
    private final Module[] overrides;
    private int webadminPort;
    private MailwrightServer server;

    private TestServer(Path root, DnsServer dns, Module[] overrides) throws IOException {
        this.root = root;
        this.conf = root.resolve("conf");
        this.data = root.resolve("var");
        this.dns = dns;
        this.overrides = overrides;
        copyShippedConfiguration();
    }

    /**
     * A server in {@code root} (which must be empty or not exist) resolving names through {@code dns}. Not started.
     * {@code overrides} replace Guice bindings of the assembly (rarely needed: prefer configuration).
     */
    public static TestServer create(Path root, DnsServer dns, Module... overrides) {
        try {
            return new TestServer(root, dns, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void copyShippedConfiguration() throws IOException {
        Path source = Path.of(System.getProperty("mailwright.conf.source", "../conf"));
        Files.createDirectories(conf);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, conf.resolve(file.getFileName()));
            }
        }
        for (String name : new String[] {"smtpserver.xml", "imapserver.xml", "lmtpserver.xml", "managesieveserver.xml"}) {
            Path file = conf.resolve(name);
            String text = Files.readString(file);
            Matcher matcher = BIND.matcher(text);
            StringBuilder rewritten = new StringBuilder();
            while (matcher.find()) {
                int original = Integer.parseInt(matcher.group(2));
                int port = ports.computeIfAbsent(original, p -> FreePorts.next());
                matcher.appendReplacement(rewritten, "<bind>127.0.0.1:" + port + "</bind>");
            }
            matcher.appendTail(rewritten);
            Files.writeString(file, rewritten.toString());
        }
        // no content filters unless a test asks for them (contentFilters): as the image without filter containers
        contentFilters("", "", "");
        webadminPort = FreePorts.next();
        edit("webadmin.properties", "(?m)^port=\\d+$", "port=" + webadminPort);
        writeConf("dnsservice.xml", "<dnsservice><servers><server>" + dns.address() + "</server></servers>"
            + "<autodiscover>false</autodiscover><authoritative>false</authoritative><maxcachesize>50000</maxcachesize>"
            + "<timeout>2000</timeout></dnsservice>");
    }

    /** DNSSEC validation by the server itself (dnsjava's validating resolver) with these trust anchors (DS or DNSKEY lines). */
    public TestServer dnssec(String... trustAnchors) {
        Path anchors = conf.resolve("trust-anchors.txt");
        try {
            Files.writeString(anchors, String.join("\n", trustAnchors) + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return edit("dnsservice.xml", "</dnsservice>", "<dnssec>validate</dnssec><trustAnchors>" + anchors + "</trustAnchors></dnsservice>");
    }

    /** Replaces {@code regex} in a copied configuration file; fails if it does not occur (the test would be wrong). */
    public TestServer edit(String file, String regex, String replacement) {
        try {
            Path path = conf.resolve(file);
            String text = Files.readString(path, StandardCharsets.UTF_8);
            Matcher matcher = Pattern.compile(regex).matcher(text);
            if (!matcher.find()) {
                throw new IllegalStateException(regex + " does not occur in " + file);
            }
            Files.writeString(path, matcher.replaceAll(replacement), StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Points the content filters at the given rspamd scanner and controller URLs and clamd address (e.g. from
     * {@link ContentFilters}); empty strings turn them off, as the copied configuration starts.
     */
    public TestServer contentFilters(String rspamdUrl, String controllerUrl, String clamdAddress) {
        edit("smtpserver.xml", "<rspamdUrl>[^<]*</rspamdUrl>", "<rspamdUrl>" + Matcher.quoteReplacement(rspamdUrl) + "</rspamdUrl>");
        edit("smtpserver.xml", "<clamdAddress>[^<]*</clamdAddress>", "<clamdAddress>" + Matcher.quoteReplacement(clamdAddress) + "</clamdAddress>");
        return edit("listeners.xml", "<rspamdControllerUrl>[^<]*</rspamdControllerUrl>",
            "<rspamdControllerUrl>" + Matcher.quoteReplacement(controllerUrl) + "</rspamdControllerUrl>");
    }

    public TestServer writeConf(String file, String content) {
        try {
            Files.writeString(conf.resolve(file), content, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Outbound delivery retries quickly: every {@code delay} ({@code "2 seconds"} or {@code "2s"}), and gives up
     * (final DSN) after {@code maxRetries} retries instead of the production schedule.
     */
    public TestServer fastRetries(String delay, int maxRetries) {
        String wait = delay.strip().replaceAll("^(\\d+)\\s*seconds?$", "$1s");
        long seconds = java.time.Duration.parse("PT" + wait.toUpperCase()).toSeconds();
        edit("mailetcontainer.xml", "<retrySchedule>[^<]*</retrySchedule>", "<retrySchedule>" + wait + "</retrySchedule>");
        return edit("mailetcontainer.xml", "<maxAge>[^<]*</maxAge>", "<maxAge>" + seconds * maxRetries + "s</maxAge>");
    }

    /** Sets a parameter of the outbound delivery mailet (e.g. {@code delayWarning}, {@code trustStore}). */
    public TestServer outboundParameter(String name, String value) {
        String element = "<" + name + ">" + Matcher.quoteReplacement(value) + "</" + name + ">";
        try {
            edit("mailetcontainer.xml", "<" + name + ">[^<]*</" + name + ">", element);
        } catch (IllegalStateException absent) {
            edit("mailetcontainer.xml", "<outgoingQueue>outgoing</outgoingQueue>",
                "<outgoingQueue>outgoing</outgoingQueue>" + element);
        }
        return this;
    }

    public TestServer usePostgres(PostgresDatabase database) {
        return writeConf("james-database.properties", database.properties(root));
    }

    public TestServer start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                server = MailwrightServer.prepare(MailwrightConfiguration.of(root, conf, data, HOSTNAME), overrides);
                server.start();
                return this;
            } catch (Exception e) {
                server = null;
                // a free port chosen for a listener was taken before the server bound it (seen once in CI, by
                // whom is not known): other ports, another try
                // (James's BindException, or the start-up check's "already in use")
                if (attempt < 3 && (causedBy(e, java.net.BindException.class) || String.valueOf(e.getMessage()).contains("is already in use"))) {
                    System.err.println("TestServer: a listener's port was taken (" + e.getMessage() + "); other ports, attempt " + (attempt + 1));
                    reassignPorts();
                    continue;
                }
                throw new IllegalStateException("Mailwright did not start: " + e.getMessage(), e);
            }
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** New free ports for every listener and WebAdmin, in the configuration files and in {@link #port(int)}. */
    private void reassignPorts() {
        for (Map.Entry<Integer, Integer> listener : ports.entrySet()) {
            int fresh = FreePorts.next();
            for (String name : new String[] {"smtpserver.xml", "imapserver.xml", "lmtpserver.xml", "managesieveserver.xml"}) {
                Path file = conf.resolve(name);
                try {
                    Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8).replace(
                        "<bind>127.0.0.1:" + listener.getValue() + "</bind>", "<bind>127.0.0.1:" + fresh + "</bind>"),
                        StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            listener.setValue(fresh);
        }
        int freshWebadmin = FreePorts.next();
        edit("webadmin.properties", "(?m)^port=" + webadminPort + "$", "port=" + freshWebadmin);
        webadminPort = freshWebadmin;
    }

    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    public TestServer restart() {
        stop();
        return start();
    }

    @Override
    public void close() {
        stop();
    }

    /** The port that stands for the production port {@code productionPort} (25, 465, 587, 143, 993, 24). */
    public int port(int productionPort) {
        return Optional.ofNullable(ports.get(productionPort))
            .orElseThrow(() -> new IllegalArgumentException("no listener on production port " + productionPort));
    }

    public WebAdmin admin() {
        Path tokenFile = data.resolve("webadmin/admin.token");
        return new WebAdmin("http://127.0.0.1:" + webadminPort, () -> {
            try {
                return Files.exists(tokenFile) ? Optional.of(Files.readString(tokenFile).strip()) : Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** WebAdmin's base address, {@code http://127.0.0.1:PORT}. */
    public String webadminUrl() {
        return "http://127.0.0.1:" + webadminPort;
    }

    public Path conf() {
        return conf;
    }

    public Path data() {
        return data;
    }

    public DnsServer dns() {
        return dns;
    }

    public MailwrightServer server() {
        return server;
    }
}
