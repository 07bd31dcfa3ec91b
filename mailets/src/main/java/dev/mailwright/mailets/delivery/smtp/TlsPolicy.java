package dev.mailwright.mailets.delivery.smtp;

/**
 * What TLS a connection to one host must have, and why ({@code decision}, shown in the delivery trace):
 * <ul>
 *   <li>{@code NONE}: never STARTTLS ({@code tls="none"} routes);</li>
 *   <li>{@code MAY}: STARTTLS when offered, the certificate checked and the verdict recorded; a failed handshake is
 *       retried in clear (opportunistic TLS);</li>
 *   <li>{@code VERIFY}: STARTTLS and a certificate chaining to a trusted CA and valid for the host name, or no
 *       delivery to that host ({@code tls="require"}, MTA-STS {@code enforce}).</li>
 * </ul>
 */
public record TlsPolicy(Level level, String decision) {
    public enum Level { NONE, MAY, VERIFY }

    /** STARTTLS is mandatory: no STARTTLS or a failed handshake means no delivery to that host, never clear text. */
    public boolean required() {
        return level != Level.NONE && level != Level.MAY;
    }
}
