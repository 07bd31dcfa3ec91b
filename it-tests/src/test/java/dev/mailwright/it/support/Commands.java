package dev.mailwright.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real command-line clients (curl, swaks, the mailwright script) with a time limit. */
public final class Commands {
    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {
    }

    private Commands() {
    }

    public static Result run(List<String> command) {
        return run(command, Map.of(), null);
    }

    /** {@code stdin} may be null; the command is killed after 60 s. */
    public static Result run(List<String> command, Map<String, String> environment, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not end within 60 s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
