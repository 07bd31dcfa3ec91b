package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Mailwright server in a JVM of its own, on the configuration and data folder a {@link TestServer} prepared
 * (not started): for tests that kill the server with SIGKILL ({@link #kill()}) and start it again on the same data.
 * Its console goes to a log file.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final TestServer prepared;
    private final Path log;

    private ServerProcess(Process process, TestServer prepared, Path log) {
        this.process = process;
        this.prepared = prepared;
        this.log = log;
    }

    public static ServerProcess start(TestServer prepared, Path log) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
            "-cp", System.getProperty("java.class.path"), "dev.mailwright.server.MailwrightServer",
            "--conf", prepared.conf().toString(), "--data", prepared.data().toString(), "--hostname", TestServer.HOSTNAME))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            ServerProcess server = new ServerProcess(builder.start(), prepared, log);
            server.awaitHealthy(Duration.ofMinutes(3));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server process ended with " + process.exitValue() + ": see " + log);
            }
            try {
                if (prepared.admin().healthcheck().path("status").asText().equals("healthy")) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            sleep(500);
        }
        throw new IllegalStateException("the server process did not become healthy in " + timeout + ": see " + log);
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM: a clean stop. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(Duration.ofSeconds(60))) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
