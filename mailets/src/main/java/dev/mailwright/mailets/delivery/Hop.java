package dev.mailwright.mailets.delivery;

/**
 * The host an attempt talked to, and how: {@code tls} is the protocol version or {@code none}; {@code certificate}
 * is {@code verified}, {@code unverified (why)} or {@code -} without TLS.
 */
public record Hop(String host, String address, int port, String tls, String certificate) {
    public static final Hop NONE = new Hop("-", "-", 0, "none", "-");

    public String describe() {
        return this == NONE || host.equals("-") ? "-" : host + "[" + address + "]:" + port;
    }
}
