package dev.mailwright.mailets.delivery.smtp;

import java.util.List;

/**
 * What TLS a connection to one host must have, and why ({@code decision}, shown in the delivery trace):
 * <ul>
 *   <li>{@code NONE}: never STARTTLS ({@code tls="none"} routes);</li>
 *   <li>{@code MAY}: STARTTLS when offered, the certificate checked and the verdict recorded; a failed handshake is
 *       retried in clear (opportunistic TLS);</li>
 *   <li>{@code ENCRYPT}: STARTTLS required, the certificate not authenticated (RFC 7672 2.2: the host has TLSA records,
 *       none of them usable);</li>
 *   <li>{@code VERIFY}: STARTTLS and a certificate chaining to a trusted CA and valid for the host name
 *       ({@code tls="require"}, MTA-STS {@code enforce});</li>
 *   <li>{@code DANE}: STARTTLS and a certificate that matches one of the host's DNSSEC-validated TLSA records
 *       ({@code tlsa}: DANE-EE(3) or DANE-TA(2); a DANE-TA chain must name one of {@code referenceNames}).</li>
 * </ul>
 * Every level but {@code NONE} and {@code MAY} is mandatory: without STARTTLS, or with a failed handshake or check,
 * the host gets nothing, never clear text.
 */
public record TlsPolicy(Level level, String decision, List<Tlsa> tlsa, List<String> referenceNames) {
    public enum Level { NONE, MAY, ENCRYPT, VERIFY, DANE }

    public TlsPolicy {
        tlsa = List.copyOf(tlsa);
        referenceNames = List.copyOf(referenceNames);
    }

    public TlsPolicy(Level level, String decision) {
        this(level, decision, List.of(), List.of());
    }

    public boolean required() {
        return level != Level.NONE && level != Level.MAY;
    }

    /** The same requirements with another explanation. */
    public TlsPolicy because(String newDecision) {
        return new TlsPolicy(level, newDecision, tlsa, referenceNames);
    }
}
