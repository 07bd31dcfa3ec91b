package dev.mailwright.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Real rspamd and clamd for a test class, started by {@code docker/filters/start-local.sh DIR --offline} on free
 * loopback ports (clamd with the EICAR test signature the script makes), stopped by {@code stop-local.sh}. Without
 * the Debian packages rspamd and clamav-daemon the test class is skipped, except under CI ({@code CI=true}, as
 * {@code .ci/run} runs), where that is a failure.
 */
public final class ContentFilters implements AutoCloseable {
    private static final Path SCRIPTS = Path.of(System.getProperty("mailwright.docker.source", "../docker")).resolve("filters");

    private final Path directory;
    private final int scanPort;
    private final int controllerPort;
    private final int clamdPort;

    private ContentFilters(Path directory) {
        this.directory = directory;
        this.scanPort = FreePorts.next();
        this.controllerPort = FreePorts.next();
        this.clamdPort = FreePorts.next();
    }

    public static ContentFilters start(Path directory) {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/rspamd")) && Files.isExecutable(Path.of("/usr/sbin/clamd"));
        if (!installed && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("rspamd and clamd are not installed (apt-get install rspamd clamav-daemon)");
        }
        ContentFilters filters = new ContentFilters(directory);
        filters.run("start-local.sh", directory.toString(), "--offline",
            "--rspamd", "127.0.0.1:" + filters.scanPort, "--controller", "127.0.0.1:" + filters.controllerPort,
            "--clamd", "127.0.0.1:" + filters.clamdPort);
        return filters;
    }

    public String rspamdUrl() {
        return "http://127.0.0.1:" + scanPort;
    }

    public String controllerUrl() {
        return "http://127.0.0.1:" + controllerPort;
    }

    public String clamdAddress() {
        return "127.0.0.1:" + clamdPort;
    }

    /** Stops rspamd alone (clamd keeps running): to see the server without its spam filter. */
    public void stopRspamd() {
        try {
            long pid = Long.parseLong(Files.readString(directory.resolve("rspamd.pid")).strip());
            ProcessHandle.of(pid).ifPresent(process -> {
                process.destroy();
                process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** rspamd's statistics (controller {@code GET /stat}): {@code learned}, {@code scanned}, {@code actions}... */
    public JsonNode stat() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(controllerUrl() + "/stat")).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        run("stop-local.sh", directory.toString());
    }

    private void run(String script, String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = SCRIPTS.resolve(script).toAbsolutePath().toString();
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " did not finish within 180 s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.print(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(script + " failed (" + process.exitValue() + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
