package dev.mailwright.server.startup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;

/**
 * What a deployment asks to exist when the server starts, read from the environment so that a new container is a
 * working mail server without an administration step:
 * <ul>
 *   <li>{@code MAILWRIGHT_DOMAINS}: the first local domains, separated by commas or spaces;</li>
 *   <li>{@code MAILWRIGHT_POSTMASTER_PASSWORD_FILE}: a file (a Docker secret) holding the password of the
 *       postmaster account ({@code MAILWRIGHT_POSTMASTER}, default {@code postmaster@<hostname>}).</li>
 * </ul>
 * The password travels in a file, never in the environment or on a command line, where {@code docker inspect} and
 * {@code ps} would show it.
 */
public record Provisioning(List<Domain> domains, Optional<Postmaster> postmaster) {
    public static final String DOMAINS = "MAILWRIGHT_DOMAINS";
    public static final String POSTMASTER_PASSWORD_FILE = "MAILWRIGHT_POSTMASTER_PASSWORD_FILE";

    /** The postmaster account and its password, as read from the password file. */
    public record Postmaster(Username address, String password) {
        @Override
        public String toString() {
            return "Postmaster[" + address.asString() + "]";
        }
    }

    public Provisioning {
        domains = List.copyOf(domains);
    }

    public static final Provisioning NOTHING = new Provisioning(List.of(), Optional.empty());

    public boolean isEmpty() {
        return domains.isEmpty() && postmaster.isEmpty();
    }

    /** Reads the variables; {@code postmasterAddress} is the server's postmaster ({@code ${mailwright:postmaster}}). */
    public static Provisioning fromEnvironment(Map<String, String> environment, String postmasterAddress) throws StartupProblem {
        List<Domain> domains = domains(environment.getOrDefault(DOMAINS, ""));
        Optional<String> passwordFile = Optional.ofNullable(environment.get(POSTMASTER_PASSWORD_FILE)).map(String::strip)
            .filter(file -> !file.isEmpty());
        Optional<Postmaster> postmaster = Optional.empty();
        if (passwordFile.isPresent()) {
            postmaster = Optional.of(new Postmaster(postmaster(postmasterAddress), password(Path.of(passwordFile.get()))));
        }
        return new Provisioning(domains, postmaster);
    }

    private static List<Domain> domains(String value) throws StartupProblem {
        List<String> names = Arrays.stream(value.split("[,\\s]+")).filter(name -> !name.isEmpty()).toList();
        Domain[] domains = new Domain[names.size()];
        for (int i = 0; i < names.size(); i++) {
            try {
                domains[i] = Domain.of(names.get(i));
            } catch (IllegalArgumentException e) {
                throw new StartupProblem(DOMAINS + ": '" + names.get(i) + "' is not a domain name (" + e.getMessage() + ")");
            }
        }
        return List.of(domains);
    }

    private static Username postmaster(String address) throws StartupProblem {
        try {
            Username username = Username.of(address);
            if (username.getDomainPart().isEmpty()) {
                throw new IllegalArgumentException("no domain");
            }
            return username;
        } catch (IllegalArgumentException e) {
            throw new StartupProblem("the postmaster '" + address + "' is not a mail address (" + e.getMessage()
                + "): set MAILWRIGHT_POSTMASTER to the account " + POSTMASTER_PASSWORD_FILE + " is for");
        }
    }

    /** The file's content without its trailing line break (secrets are often written with echo). */
    private static String password(Path file) throws StartupProblem {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StartupProblem("cannot read the postmaster password file " + file + " (" + POSTMASTER_PASSWORD_FILE
                + "): " + describe(e) + "; it must exist and be readable by the user the server runs as", e);
        }
        String password = content.replaceAll("[\\r\\n]+$", "");
        if (password.isEmpty()) {
            throw new StartupProblem("the postmaster password file " + file + " is empty");
        }
        return password;
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
            : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
            : String.valueOf(e.getMessage());
    }
}
