package dev.mailwright.smtp.policy;

import java.net.InetAddress;
import java.util.List;

import com.google.common.net.InetAddresses;

/** Client networks in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}; a bare address is one host). */
public final class NetworkList {
    private record Network(byte[] address, int prefix) {
        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            int fullBytes = prefix / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (candidate[i] != address[i]) {
                    return false;
                }
            }
            int remainingBits = prefix % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = (0xFF << (8 - remainingBits)) & 0xFF;
            return (candidate[fullBytes] & mask) == (address[fullBytes] & mask);
        }
    }

    private static final NetworkList EMPTY = new NetworkList(List.of());
    private final List<Network> networks;

    private NetworkList(List<Network> networks) {
        this.networks = networks;
    }

    public static NetworkList empty() {
        return EMPTY;
    }

    public static NetworkList parse(List<String> entries) {
        return new NetworkList(entries.stream().map(NetworkList::network).toList());
    }

    private static Network network(String entry) {
        String[] parts = entry.strip().split("/", 2);
        if (!InetAddresses.isInetAddress(parts[0])) {
            throw new IllegalArgumentException("'" + entry + "' is not an address or network (e.g. 192.0.2.0/24)");
        }
        byte[] address = InetAddresses.forString(parts[0]).getAddress();
        int maxPrefix = address.length * 8;
        int prefix = maxPrefix;
        if (parts.length == 2) {
            try {
                prefix = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException("'" + entry + "' has an invalid prefix length");
            }
        }
        return new Network(address, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return networks.stream().anyMatch(network -> network.contains(candidate));
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    /**
     * The network a client address belongs to for per-network state: the /24 of an IPv4 address, the /64 of an IPv6
     * address (a single host commonly holds a whole /64, and mail senders rotate addresses inside their /24).
     */
    public static String networkOf(InetAddress address, int ipv4Prefix, int ipv6Prefix) {
        byte[] bytes = address.getAddress();
        int prefix = bytes.length == 4 ? ipv4Prefix : ipv6Prefix;
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddresses.toAddrString(InetAddress.getByAddress(bytes)) + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
