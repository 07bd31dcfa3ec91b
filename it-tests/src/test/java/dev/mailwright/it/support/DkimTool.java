package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A third-party DKIM signer: dkimpy's {@code dknewkey} and {@code dkimsign} (Debian package {@code python3-dkim}),
 * so that tests prove interoperability with another implementation, not just agreement with ourselves.
 */
public final class DkimTool {
    private DkimTool() {
    }

    /** A key made by dkimpy: the private key file and the public key record to publish. */
    public record Key(Path privateKey, String record) {
        /** The record as TXT character strings of at most 255 characters each. */
        public String[] txtStrings() {
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < record.length(); i += 255) {
                strings.add(record.substring(i, Math.min(record.length(), i + 255)));
            }
            return strings.toArray(String[]::new);
        }
    }

    public static Key newKey(Path directory, String name) {
        run(directory, null, "/usr/bin/dknewkey", name);
        try {
            String dns = Files.readString(directory.resolve(name + ".dns"), StandardCharsets.US_ASCII);
            // the .dns file is a zone-file TXT value, possibly split in quoted strings
            String record = dns.replaceAll("\"\\s*\"", "").replace("\"", "").replaceAll("\\s+", " ").strip();
            return new Key(directory.resolve(name + ".key"), record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code message} with a DKIM-Signature header made by dkimsign. */
    public static String sign(String message, Key key, String domain, String selector, String headerCanonicalization,
                              String bodyCanonicalization) {
        return run(key.privateKey().getParent(), message, "/usr/bin/dkimsign", "--hcanon", headerCanonicalization,
            "--bcanon", bodyCanonicalization, selector, domain, key.privateKey().toString());
    }

    private static String run(Path directory, String input, String... command) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(false).start();
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + errors);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + " (is python3-dkim installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
