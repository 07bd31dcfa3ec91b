package dev.mailwright.mailets.delivery.smtp;

import java.net.InetAddress;

/** One host to deliver to: the name certificates are checked against, the address we connect to, the TLS policy. */
public record Peer(String host, InetAddress address, int port, TlsPolicy tls) {

    /** {@code host[address]:port}, as in traces and logs. */
    public String describe() {
        return host + "[" + address.getHostAddress() + "]:" + port;
    }
}
