package dev.mailwright.smtp.policy;

import java.util.Locale;

/**
 * {@code enforce}: a policy's refusals are the server's replies. {@code report}: the policy never refuses; what it
 * would have replied goes to the decision log and into an {@code X-Mailwright-Policy} header of the message, so a new
 * policy can be watched on real traffic before it is switched on (Postfix's {@code warn_if_reject}).
 */
public enum PolicyMode {
    ENFORCE, REPORT;

    public static PolicyMode parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode must be 'enforce' or 'report', not '" + value + "'");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
