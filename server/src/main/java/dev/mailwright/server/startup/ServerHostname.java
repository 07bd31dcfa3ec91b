package dev.mailwright.server.startup;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The server's mail host name: its SMTP greeting and HELO name, its certificate's name, its default domain and the
 * postmaster's domain. Other servers check it (HELO checks, TLS, reverse DNS), so it must be a fully qualified
 * domain name, never {@code localhost} or a bare machine name: when none is given and the machine's own name is not
 * one, the server refuses to start rather than announce itself wrongly.
 */
public final class ServerHostname {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final String HOW = "give the name your MX records point to with --hostname mail.example.com "
        + "(or MAILWRIGHT_HOSTNAME=mail.example.com)";

    private ServerHostname() {
    }

    /**
     * {@code --hostname}, else {@code MAILWRIGHT_HOSTNAME}, else the machine's name if it is fully qualified.
     * {@code machine} is asked only when needed (it may resolve names).
     */
    public static String choose(Optional<String> argument, Optional<String> environment, Supplier<Optional<String>> machine)
        throws StartupProblem {
        Optional<String> given = argument.map(String::strip).filter(s -> !s.isEmpty());
        if (given.isPresent()) {
            return check(given.get(), "--hostname");
        }
        Optional<String> configured = environment.map(String::strip).filter(s -> !s.isEmpty());
        if (configured.isPresent()) {
            return check(configured.get(), "MAILWRIGHT_HOSTNAME");
        }
        Optional<String> name = machine.get();
        if (name.isPresent() && whyNot(name.get()).isEmpty()) {
            return normalize(name.get());
        }
        throw new StartupProblem("this machine's name " + name.map(n -> "'" + n + "' ").orElse("")
            + "is not a fully qualified domain name, and a mail server must not announce itself as localhost: " + HOW);
    }

    /** The name without a final dot, or a problem saying what is wrong with it ({@code source}: where it came from). */
    public static String check(String name, String source) throws StartupProblem {
        Optional<String> problem = whyNot(name);
        if (problem.isPresent()) {
            throw new StartupProblem(source + " '" + name + "' " + problem.get() + ": " + HOW);
        }
        return normalize(name);
    }

    /** Empty when {@code name} is a fully qualified domain name a mail server may use. */
    static Optional<String> whyNot(String name) {
        String host = normalize(name);
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.equals("localhost") || lower.endsWith(".localhost") || lower.endsWith(".localdomain")) {
            return Optional.of("is a name for the local machine only");
        }
        String[] labels = host.split("\\.", -1);
        if (host.length() > 253 || labels.length < 2) {
            return Optional.of("is not a fully qualified domain name");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.of("is not a valid host name");
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return Optional.of("is an address, not a host name");
        }
        return Optional.empty();
    }

    private static String normalize(String name) {
        String host = name.strip();
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
