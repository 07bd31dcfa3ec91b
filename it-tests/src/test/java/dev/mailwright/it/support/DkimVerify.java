package dev.mailwright.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A third-party DKIM verifier: dkimpy (Debian python3-dkim, the library of {@code dkimverify}), asking the test's DNS
 * server for the keys ({@code dkimverify-dns.py} in the test resources). Every signature of the message is checked.
 */
public final class DkimVerify {
    private DkimVerify() {
    }

    /** What the verifier said, one line per signature, and whether all passed. */
    public record Result(boolean allPass, String output) {
    }

    public static Result verify(String message, DnsServer dns) {
        try {
            Path script = Files.createTempFile("dkimverify-dns", ".py");
            try (InputStream in = DkimVerify.class.getResourceAsStream("/dkimverify-dns.py")) {
                Files.write(script, in.readAllBytes());
            }
            try {
                Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(dns.port()))
                    .redirectErrorStream(true).start();
                process.getOutputStream().write(message.getBytes(StandardCharsets.ISO_8859_1));
                process.getOutputStream().close();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("dkimpy did not finish");
                }
                return new Result(process.exitValue() == 0, output.strip());
            } finally {
                Files.deleteIfExists(script);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run dkimpy (apt-get install python3-dkim)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
