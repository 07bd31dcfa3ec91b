package dev.mailwright.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

import org.apache.james.GuiceJamesServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Throwables;
import com.google.inject.CreationException;
import com.google.inject.Module;
import com.google.inject.ProvisionException;

import dev.mailwright.server.cluster.ClusterModule;
import dev.mailwright.server.cluster.ClusterRequirements;
import dev.mailwright.server.cluster.ClusterSettings;
import dev.mailwright.server.imap.ImapModule;
import dev.mailwright.server.imap.ImapServerModule;
import dev.mailwright.server.modules.DnsModule;
import dev.mailwright.server.modules.ProvisioningModule;
import dev.mailwright.server.modules.ServerBasicsModule;
import dev.mailwright.server.modules.ServerVariables;
import dev.mailwright.server.smtp.SmtpServerModule;
import dev.mailwright.server.spool.MailSpoolerModule;
import dev.mailwright.server.startup.ConfigFiles;
import dev.mailwright.server.startup.ListenerCheck;
import dev.mailwright.server.startup.Provisioning;
import dev.mailwright.server.startup.ServerHostname;
import dev.mailwright.server.startup.StartupProblem;
import dev.mailwright.server.startup.TlsMaterial;
import dev.mailwright.server.startup.WebAdminCredentials;
import dev.mailwright.server.webadmin.WebAdminSecurityModule;

/**
 * Starts a Mailwright server: {@code mailwright-server [--home DIR] [--conf DIR] [--data DIR] [--hostname NAME]}.
 *
 * <p>Defaults: home is the current directory (or {@code -Dmailwright.home}), conf is {@code <home>/conf}, data is
 * {@code var/} beside the conf folder, the host name comes from {@code MAILWRIGHT_HOSTNAME} or the machine's name
 * when that is fully qualified; otherwise the server refuses to start ({@link ServerHostname}).
 */
public final class MailwrightServer {
    static final String USAGE = "usage: mailwright-server [--home DIR] [--conf DIR] [--data DIR] [--hostname NAME]";

    private final MailwrightConfiguration configuration;
    private final GuiceJamesServer james;

    private MailwrightServer(MailwrightConfiguration configuration, GuiceJamesServer james) {
        this.configuration = configuration;
        this.james = james;
    }

    /**
     * Checks the configuration folder, creates what a first start needs (TLS certificate; the domains and postmaster
     * account of {@link Provisioning} once James runs), and builds the server.
     * {@code overrides} replace bindings (tests use it for DNS).
     */
    public static MailwrightServer prepare(MailwrightConfiguration configuration, Module... overrides) throws StartupProblem {
        System.setProperty("james.exit.on.startup.error", "false");
        ServerHostname.check(configuration.hostname(), "the host name");
        ServerVariables variables = variables(configuration);
        ConfigFiles files = new ConfigFiles(configuration.conf(), configuration.data(), variables);
        files.checkXmlSyntax();
        try {
            Files.createDirectories(configuration.data());
        } catch (IOException e) {
            throw new StartupProblem("cannot create the data folder " + configuration.data() + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(configuration.data())) {
            throw new StartupProblem("the data folder " + configuration.data() + " is not writable by this user");
        }
        ListenerCheck.check(files);
        TlsMaterial.ensure(files, configuration.data(), configuration.hostname());
        WebAdminCredentials.ensure(files, configuration.data());
        Provisioning provisioning = Provisioning.fromEnvironment(System.getenv(), variables.get("postmaster").orElseThrow());

        Optional<ClusterSettings> cluster = ClusterSettings.read(files, configuration.hostname());
        if (cluster.isPresent()) {
            ClusterRequirements.check(files);
        }

        GuiceJamesServer james = GuiceJamesServer.forConfiguration(configuration)
            .combineWith(MailwrightModules.ALL, new ProvisioningModule(provisioning))
            .overrideWith(new ServerBasicsModule(variables), new DnsModule(), new WebAdminSecurityModule(), new ImapServerModule(),
                new ImapModule(), new SmtpServerModule(), new MailSpoolerModule())
            // a server alone keeps James's in-memory event bus and its own counters: nothing of the cluster is loaded
            .overrideWith(cluster.<Module>map(ClusterModule::new).orElseGet(() -> binder -> { }))
            .overrideWith(overrides);
        return new MailwrightServer(configuration, james);
    }

    static ServerVariables variables(MailwrightConfiguration configuration) {
        String postmaster = Optional.ofNullable(System.getenv("MAILWRIGHT_POSTMASTER"))
            .filter(s -> !s.isBlank())
            .orElse("postmaster@" + configuration.hostname());
        return new ServerVariables(Map.of(
            "hostname", configuration.hostname(),
            "postmaster", postmaster,
            "data", configuration.data().toString(),
            "conf", configuration.conf().toString()));
    }

    /**
     * Starts James. When the start fails (a configuration error found while James initializes), what was already
     * started is stopped as at a clean stop: listeners closed, queues and database shut down, the search index
     * committed, so that the failed attempt leaves nothing behind that the next start would take for a crash.
     */
    public void start() throws StartupProblem {
        try {
            james.start();
        } catch (Throwable e) {
            stopAfterFailedStart();
            throw new StartupProblem("startup failed: " + summary(e) + " (the log above has the details)", e);
        }
    }

    private void stopAfterFailedStart() {
        try {
            james.stop();
        } catch (Throwable e) {
            LoggerFactory.getLogger(MailwrightServer.class).warn("Could not stop cleanly after the failed start", e);
        }
    }

    /** One line out of a startup exception: Guice's first error, or the root cause. */
    static String summary(Throwable e) {
        if (e instanceof CreationException creation && !creation.getErrorMessages().isEmpty()) {
            return firstLine(creation.getErrorMessages().iterator().next().getMessage());
        }
        if (e instanceof ProvisionException provision && !provision.getErrorMessages().isEmpty()) {
            Throwable cause = provision.getCause();
            return cause != null ? summary(cause) : firstLine(provision.getErrorMessages().iterator().next().getMessage());
        }
        Throwable root = Throwables.getRootCause(e);
        return root.getClass().getSimpleName() + ": " + firstLine(String.valueOf(root.getMessage()));
    }

    private static String firstLine(String text) {
        String line = text.strip();
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline).strip();
    }

    public void stop() {
        james.stop();
    }

    public GuiceJamesServer james() {
        return james;
    }

    public MailwrightConfiguration configuration() {
        return configuration;
    }

    public static void main(String[] args) {
        MailwrightConfiguration configuration;
        try {
            configuration = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mailwright-server: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        } catch (StartupProblem problem) {
            System.err.println("mailwright-server: " + problem.getMessage());
            System.exit(1);
            return;
        }
        useLogbackFrom(configuration.conf());
        loadJvmProperties(configuration.conf());
        Logger logger = LoggerFactory.getLogger(MailwrightServer.class);
        long started = System.nanoTime();
        try {
            MailwrightServer server = prepare(configuration);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "mailwright-shutdown"));
            server.start();
            logger.info("Mailwright started in {} ms: hostname {}, conf {}, data {}",
                (System.nanoTime() - started) / 1_000_000, configuration.hostname(), configuration.conf(), configuration.data());
        } catch (StartupProblem problem) {
            logger.debug("Startup problem", problem);
            System.err.println("mailwright-server: " + problem.getMessage());
            Runtime.getRuntime().halt(1);
        }
    }

    static MailwrightConfiguration parse(String[] args) throws StartupProblem {
        return parse(args, System.getenv(), MailwrightServer::machineName);
    }

    /** {@code machineName}: the machine's fully qualified name if it has one, asked only without a host name given. */
    static MailwrightConfiguration parse(String[] args, Map<String, String> environment, Supplier<Optional<String>> machineName)
        throws StartupProblem {
        Path home = Path.of(System.getProperty("mailwright.home", "."));
        Path conf = null;
        Path data = null;
        String hostname = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            if (!List.of("--home", "--conf", "--data", "--hostname").contains(arg)) {
                throw new IllegalArgumentException("unknown option " + arg);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--home" -> home = Path.of(value);
                case "--conf" -> conf = Path.of(value);
                case "--data" -> data = Path.of(value);
                case "--hostname" -> hostname = value;
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        Path confDir = (conf != null ? conf : home.resolve("conf")).toAbsolutePath().normalize();
        Path dataDir = data != null ? data : Optional.ofNullable(environment.get("MAILWRIGHT_DATA")).filter(s -> !s.isBlank())
            .map(Path::of).orElse(confDir.resolveSibling("var"));
        String chosen = ServerHostname.choose(Optional.ofNullable(hostname),
            Optional.ofNullable(environment.get("MAILWRIGHT_HOSTNAME")), machineName);
        return MailwrightConfiguration.of(home, confDir, dataDir, chosen);
    }

    /** The machine's canonical name (through its resolver: /etc/hosts, DNS), if it has one. */
    private static Optional<String> machineName() {
        try {
            return Optional.of(InetAddress.getLocalHost().getCanonicalHostName());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static void useLogbackFrom(Path conf) {
        Path logback = conf.resolve("logback.xml");
        if (System.getProperty("logback.configurationFile") == null && Files.exists(logback)) {
            System.setProperty("logback.configurationFile", logback.toString());
        }
    }

    /** {@code conf/jvm.properties} become system properties, unless set on the command line. */
    private static void loadJvmProperties(Path conf) {
        Path file = conf.resolve("jvm.properties");
        if (!Files.exists(file)) {
            return;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            System.err.println("mailwright-server: cannot read " + file + ": " + e.getMessage());
            return;
        }
        properties.stringPropertyNames().forEach(key -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, properties.getProperty(key).strip());
            }
        });
    }
}
