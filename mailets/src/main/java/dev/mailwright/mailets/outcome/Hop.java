package dev.mailwright.mailets.outcome;

/**
 * The host an attempt talked to, and how: {@code tls} is the protocol version or {@code none}; {@code certificate}
 * is {@code verified}, {@code unverified (why)}, a DANE verdict, or {@code -} without TLS; {@code tlsPolicy} is the
 * decision that set the TLS requirements (route level, MTA-STS, DANE, with its reason).
 */
public record Hop(String host, String address, int port, String tls, String certificate, String tlsPolicy) {
    public static final Hop NONE = new Hop("-", "-", 0, "none", "-", "-");

    public String describe() {
        return this == NONE || host.equals("-") ? "-" : host + "[" + address + "]:" + port;
    }
}
