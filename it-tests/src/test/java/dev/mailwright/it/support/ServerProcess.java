package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Mailwright server as its own operating-system process: the runnable distribution
 * ({@code server/target/mailwright-VERSION/bin/mailwright-server}, with its default JVM options) started on a
 * configuration prepared exactly as {@link TestServer} prepares it (shipped {@code conf/} copied, listeners on free
 * loopback ports, DNS pointing at the test's {@link DnsServer}). Fault tests need it where an in-process server cannot
 * go: {@code kill -9}, a data folder on a filesystem of its own, the resident memory (RSS) of the server alone.
 *
 * <p>Each start writes the server's console to {@code <root>/server-N.log}. The process is always stopped by
 * {@link #close()} (SIGTERM, then SIGKILL after a minute).
 */
public final class ServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final TestServer layout;
    private final Path root;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Process process;
    private Path log;
    private int starts;
    private String name = "server";

    private ServerProcess(TestServer layout, Path root) {
        this.layout = layout;
        this.root = root;
    }

    /** A server in {@code root} (empty or absent) resolving names through {@code dns}; not started. */
    public static ServerProcess create(Path root, DnsServer dns) {
        ServerProcess server = new ServerProcess(TestServer.create(root, dns), root);
        server.name = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass().getSimpleName();
        return server;
    }

    /** The name its log is kept under ({@code mailwright.server.logs}); the creating class's by default. */
    public ServerProcess named(String name) {
        this.name = name;
        return this;
    }

    /** The configuration and ports ({@code edit}, {@code fastRetries}, {@code port(25)}, {@code admin()}...). */
    public TestServer config() {
        return layout;
    }

    /** Puts the data folder elsewhere (e.g. on a small filesystem); call before the first start. */
    public ServerProcess dataFolder(Path data) {
        try {
            Files.createDirectories(data);
            // the server's data folder is the TestServer's var/: make it a link to the chosen place
            Path var = layout.data();
            if (Files.exists(var, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(var);
            }
            Files.createSymbolicLink(var, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** An environment variable of the server process (e.g. {@code MAILWRIGHT_JAVA_OPTS}). */
    public ServerProcess environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Starts the distribution and waits until it logs that it started (or fails with the end of its log). */
    public ServerProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        Path script = distribution().resolve("bin/mailwright-server");
        log = root.resolve("server-" + (++starts) + ".log");
        List<String> command = new ArrayList<>(List.of(script.toString(), "--conf", layout.conf().toString(),
            "--data", layout.data().toString(), "--hostname", TestServer.HOSTNAME));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!logText().contains("Mailwright started in")) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server process exited with " + process.exitValue() + ":\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("the server process did not start within " + START_TIMEOUT + ":\n" + tail(40));
            }
            sleep(200);
        }
        return this;
    }

    /** {@code kill -9}: no shutdown hook, no flush, nothing but what is already on disk survives. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
        process = null;
    }

    /** SIGTERM (the server's clean stop), SIGKILL if it has not ended after a minute. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(Duration.ofMinutes(1))) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
        process = null;
    }

    public ServerProcess restart() {
        stop();
        return start();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The Java process's id (the start script execs Java, so it is the same process). */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException("not running");
        }
        return process.pid();
    }

    /** Resident memory of the server process in MiB ({@code VmRSS} of {@code /proc/PID/status}). */
    public long rssMiB() {
        return procStatus("VmRSS") / 1024;
    }

    /** Open file descriptors of the server process (sockets included). */
    public int openFiles() {
        try (var entries = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException(field + " not in /proc/" + pid() + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The console of the current (or last) run. */
    public String logText() {
        try {
            return log == null || !Files.exists(log) ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The console of every run so far, oldest first. */
    public String allLogs() {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            try {
                text.append(Files.readString(root.resolve("server-" + i + ".log"), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // a run without log
            }
        }
        return text.toString();
    }

    public String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public int port(int productionPort) {
        return layout.port(productionPort);
    }

    public WebAdmin admin() {
        return layout.admin();
    }

    public Path data() {
        return layout.data();
    }

    /** The JVM's heap: size, committed and used ({@code jcmd PID GC.heap_info}), on one line. */
    public String heapInfo() {
        if (!isAlive()) {
            return "(not running)";
        }
        return Commands.run(List.of("jcmd", String.valueOf(pid()), "GC.heap_info")).output().lines()
            .filter(line -> line.contains("total") || line.contains("Metaspace")).map(String::strip)
            .reduce((a, b) -> a + "; " + b).orElse("");
    }

    /** The server's threads ({@code jcmd PID Thread.print}), for a test that waited in vain. */
    public String threadDump() {
        if (!isAlive()) {
            return "(not running)";
        }
        return Commands.run(List.of("jcmd", String.valueOf(pid()), "Thread.print")).output();
    }

    /**
     * Stops the server and keeps its console of every run in {@code it-tests/target/server-logs/<root>.log}
     * (the test's folder is deleted afterwards).
     */
    @Override
    public void close() {
        stop();
        String folder = System.getProperty("mailwright.server.logs");
        if (folder != null && starts > 0) {
            try {
                Path target = Path.of(folder);
                Files.createDirectories(target);
                Files.writeString(target.resolve(name + ".log"), allLogs());
            } catch (IOException e) {
                System.err.println("cannot keep the server's log: " + e);
            }
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code server/target/mailwright-VERSION}, built by the reactor's {@code package} phase before the tests. */
    static Path distribution() {
        String configured = System.getProperty("mailwright.distribution");
        if (configured == null) {
            throw new IllegalStateException("system property mailwright.distribution is not set (it-tests/pom.xml sets it)");
        }
        Path path = Path.of(configured);
        if (!Files.isExecutable(path.resolve("bin/mailwright-server"))) {
            throw new IllegalStateException("no server distribution at " + path
                + ": build it first (mvn -B -pl it-tests -am verify packages the server module)");
        }
        return path;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
