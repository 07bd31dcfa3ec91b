package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Postfix's {@code smtp-sink} as the receiving MX of another organization: a real, third-party SMTP server that
 * writes every message it receives to a file, as it got it (after its own {@code X-Client-*} and {@code Received}
 * lines). Needs the postfix package and root (port 25).
 */
public final class SmtpSink implements AutoCloseable {
    private final Process process;
    private final Path dumps;

    private SmtpSink(Process process, Path dumps) {
        this.process = process;
        this.dumps = dumps;
    }

    /** {@code smtp-sink} on {@code address}:25, run as nobody, dumping into a folder of its own. */
    public static SmtpSink start(String address) {
        try {
            // smtp-sink writes as nobody: the folder (under the world-writable /tmp) must let it
            Path dumps = Files.createTempDirectory("mailwright-smtp-sink");
            Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
            Process process = new ProcessBuilder("/usr/sbin/smtp-sink", "-u", "nobody", "-d", dumps + "/%H%M%S.",
                address + ":25", "20").redirectErrorStream(true).redirectOutput(dumps.resolveSibling(dumps.getFileName() + ".log").toFile())
                .start();
            SmtpSink sink = new SmtpSink(process, dumps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!listening(address) && System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("smtp-sink exited with " + process.exitValue() + " (is postfix installed, are we root?)");
                }
                Thread.sleep(100);
            }
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start /usr/sbin/smtp-sink (apt-get install postfix)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean listening(String address) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, 25), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The messages received so far that contain {@code text}, oldest first. */
    public List<String> received(String text) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dumps)) {
            for (Path file : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                String content = Files.readString(file, StandardCharsets.ISO_8859_1);
                if (content.contains(text)) {
                    found.add(content);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dumps)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            Files.deleteIfExists(dumps.resolveSibling(dumps.getFileName() + ".log"));
        } catch (IOException e) {
            // left in /tmp
        }
    }
}
