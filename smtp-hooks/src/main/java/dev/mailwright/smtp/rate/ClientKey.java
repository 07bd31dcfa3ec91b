package dev.mailwright.smtp.rate;

import java.net.InetAddress;

import dev.mailwright.smtp.policy.NetworkList;

/**
 * Whom per-client limits count: an IPv4 address, or the /64 of an IPv6 address (one host commonly holds a whole
 * /64 and could otherwise rotate addresses to escape any limit).
 */
public final class ClientKey {
    private ClientKey() {
    }

    public static String of(InetAddress address) {
        return address.getAddress().length == 4 ? address.getHostAddress() : NetworkList.networkOf(address, 32, 64);
    }
}
