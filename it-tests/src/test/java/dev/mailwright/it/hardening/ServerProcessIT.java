package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.TestServer;

/**
 * The server as its start script runs it, in a process of its own with the shipped logging configuration (console),
 * from an empty current folder: it writes nothing outside its data folder, stops on SIGTERM without an ERROR line,
 * and refuses a host name that is not fully qualified in one line.
 */
class ServerProcessIT {
    static final String STARTED = "Mailwright started";

    @Test
    void itWritesOnlyInItsDataFolderAndStopsOnSigtermWithoutError(@TempDir Path directory) throws Exception {
        Path workingFolder = Files.createDirectories(directory.resolve("cwd"));
        try (DnsServer dns = DnsServer.start()) {
            TestServer prepared = TestServer.create(directory.resolve("server"), dns);
            Process process = start(prepared, workingFolder, Map.of(), "--hostname", TestServer.HOSTNAME);
            Output output = collect(process);
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
                while (output.stream().noneMatch(line -> line.contains(STARTED)) && process.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertThat(output).as("the server's output").anyMatch(line -> line.contains(STARTED));
                // the spooler and the outbound delivery wait on their queues, as on any server between mails
                Thread.sleep(2000);
            } finally {
                // SIGTERM, as a service manager stops it (Process.destroy() would also close the output we read)
                process.toHandle().destroy();
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s of SIGTERM").isTrue();
            }
            output.complete();

            assertThat(output).as("the stop").anyMatch(line -> line.contains("JAMES server stopped"));
            assertThat(output).as("ERROR lines").noneMatch(line -> line.contains(" ERROR "));
            try (Stream<Path> files = Files.list(workingFolder)) {
                assertThat(files.toList()).as("files written in the current folder").isEmpty();
            }
            assertThat(prepared.data().resolve("derby.log")).exists();
        }
    }

    @Test
    void aHostNameThatIsNotFullyQualifiedStopsTheStartInOneLine(@TempDir Path directory) throws Exception {
        try (DnsServer dns = DnsServer.start()) {
            TestServer prepared = TestServer.create(directory.resolve("server"), dns);
            Process process = start(prepared, directory, Map.of("MAILWRIGHT_HOSTNAME", "localhost"));
            Output output = collect(process);

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            output.complete();
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(output).containsExactly("mailwright-server: MAILWRIGHT_HOSTNAME 'localhost' is a name for the local "
                + "machine only: give the name your MX records point to with --hostname mail.example.com "
                + "(or MAILWRIGHT_HOSTNAME=mail.example.com)");
        }
    }

    private static Process start(TestServer prepared, Path workingFolder, Map<String, String> environment, String... arguments)
        throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(distribution().resolve("bin/mailwright-server").toString(),
            "--conf", prepared.conf().toString(), "--data", prepared.data().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingFolder.toFile()).redirectErrorStream(true);
        builder.environment().remove("MAILWRIGHT_HOSTNAME");
        builder.environment().put("MAILWRIGHT_JAVA_OPTS", "-Xmx512m");
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The lines the process prints, read on a thread of their own until the process ends. */
    private static Output collect(Process process) {
        Output lines = new Output();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    System.out.println("[server] " + line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        lines.reader = reader;
        return lines;
    }

    static final class Output extends CopyOnWriteArrayList<String> {
        Thread reader;

        /** Every line, once the process has ended and its last lines are read. */
        Output complete() throws InterruptedException {
            reader.join(10_000);
            return this;
        }
    }

    /** {@code server/target/mailwright-VERSION}, built by the reactor before the end-to-end tests. */
    private static Path distribution() throws IOException {
        Path target = Path.of(System.getProperty("mailwright.source", "..")).resolve("server/target");
        try (Stream<Path> candidates = Files.list(target)) {
            return candidates.filter(path -> Files.isExecutable(path.resolve("bin/mailwright-server"))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no server distribution in " + target + ": build the server module"));
        }
    }
}
