package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code ./mailwright} command of the source tree, talking to a test server's WebAdmin as an administrator would. */
public final class MailwrightCli {
    private static final Pattern ZONE_LINE = Pattern.compile("^(\\S+)\\.\\s+(MX|TXT|CNAME|A)\\s+(.*)$");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private MailwrightCli() {
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(TestServer server, String... arguments) {
        Path script = Path.of(System.getProperty("mailwright.source", "..")).resolve("mailwright");
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(arguments));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("MAILWRIGHT_WEBADMIN", server.admin().base());
            builder.environment().put("MAILWRIGHT_DATA", server.data().toString());
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A zone-file line of {@code admin dns}: owner name, type, value (TXT: its strings, unquoted and joined). */
    public record ZoneRecord(String name, String type, String value, List<String> strings) {
    }

    /** The records of {@code admin dns} output (comment lines and status prefixes skipped). */
    public static List<ZoneRecord> records(String output) {
        List<ZoneRecord> records = new ArrayList<>();
        for (String raw : output.split("\n")) {
            String line = raw.replaceFirst("^(ok|missing|different|dns-failure)\\s+", "");
            Matcher matcher = ZONE_LINE.matcher(line);
            if (line.startsWith(";") || !matcher.matches()) {
                continue;
            }
            List<String> strings = new ArrayList<>();
            if (matcher.group(2).equals("TXT")) {
                Matcher quoted = QUOTED.matcher(matcher.group(3));
                while (quoted.find()) {
                    strings.add(quoted.group(1).replace("\\\"", "\""));
                }
            }
            records.add(new ZoneRecord(matcher.group(1), matcher.group(2),
                strings.isEmpty() ? matcher.group(3).strip() : String.join("", strings), strings));
        }
        return records;
    }
}
