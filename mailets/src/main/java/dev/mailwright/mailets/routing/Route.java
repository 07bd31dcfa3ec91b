package dev.mailwright.mailets.routing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the copies of a mail for some recipients go: one line of {@code conf/transport.xml}.
 *
 * <ul>
 *   <li>{@code local}: this server's mailboxes (processor {@code local-delivery});</li>
 *   <li>{@code mx}: internet delivery to the recipient domain's MX hosts;</li>
 *   <li>{@code smtp:[host]:port}: a smarthost (port 25 by default), optionally with AUTH credentials from a file;</li>
 *   <li>{@code lmtp:[host]:port}: an LMTP server (port 24 by default), e.g. another mailbox store;</li>
 *   <li>{@code reject}: refused with {@code reply} (the sender gets a DSN);</li>
 *   <li>{@code hold}: kept in a repository until an administrator releases it.</li>
 * </ul>
 * {@code tls} is {@code may} (encrypt when offered, the default), {@code require} (a verified certificate, or no
 * delivery) or {@code none} (never STARTTLS).
 */
public record Route(Kind kind, String host, int port, TlsLevel tls, Optional<Path> credentials, String reply) {
    public static final String DEFAULT_REJECT_REPLY = "550 5.7.1 Delivery to this destination is not allowed";

    public enum Kind {
        LOCAL, MX, SMTP, LMTP, REJECT, HOLD;

        /** Routes that leave the server through the outbound delivery. */
        public boolean isOutbound() {
            return this == MX || this == SMTP || this == LMTP;
        }
    }

    public enum TlsLevel {
        NONE, MAY, REQUIRE;

        static TlsLevel parse(String value) {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tls must be may, require or none, not '" + value + "'");
            }
        }
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]+");
    public static final Route MX_DEFAULT = new Route(Kind.MX, "", 25, TlsLevel.MAY, Optional.empty(), "");

    public Route {
        if (kind == Kind.REJECT && !reply.matches("5\\d\\d [245]\\.\\d{1,3}\\.\\d{1,3} .+")) {
            throw new IllegalArgumentException("a reject reply must look like '550 5.7.1 text', not '" + reply + "'");
        }
    }

    /**
     * Parses a destination ({@code to} of transport.xml) with its options ({@code tls}, {@code credentials},
     * {@code reply}).
     */
    public static Route parse(String to, Map<String, String> options) {
        String spec = to.strip();
        String lower = spec.toLowerCase(Locale.ROOT);
        TlsLevel tls = Optional.ofNullable(options.get("tls")).map(TlsLevel::parse).orElse(TlsLevel.MAY);
        Optional<Path> credentials = Optional.ofNullable(options.get("credentials")).filter(s -> !s.isBlank()).map(Path::of);
        String reply = Optional.ofNullable(options.get("reply")).orElse(DEFAULT_REJECT_REPLY).strip();
        if (credentials.isPresent() && !lower.startsWith("smtp:")) {
            throw new IllegalArgumentException("credentials are only for smtp: routes: " + spec);
        }
        if (lower.startsWith("smtp:")) {
            return hostRoute(Kind.SMTP, spec.substring(5), 25, tls, credentials);
        }
        if (lower.startsWith("lmtp:")) {
            return hostRoute(Kind.LMTP, spec.substring(5), 24, tls, credentials);
        }
        return switch (lower) {
            case "local" -> new Route(Kind.LOCAL, "", 0, tls, credentials, "");
            case "mx" -> new Route(Kind.MX, "", 25, tls, credentials, "");
            case "hold" -> new Route(Kind.HOLD, "", 0, tls, credentials, "");
            case "reject" -> new Route(Kind.REJECT, "", 0, tls, credentials, reply);
            default -> throw new IllegalArgumentException("unknown route '" + spec
                + "' (expected local, mx, smtp:[host]:port, lmtp:[host]:port, reject or hold)");
        };
    }

    private static Route hostRoute(Kind kind, String hostPort, int defaultPort, TlsLevel tls, Optional<Path> credentials) {
        String host;
        String rest;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in " + hostPort);
            }
            host = hostPort.substring(1, close);
            rest = hostPort.substring(close + 1);
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            rest = colon < 0 ? "" : hostPort.substring(colon);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("no host in " + kind.name().toLowerCase(Locale.ROOT) + ":" + hostPort);
        }
        // a host name or an IP address: anything else (a space, a bracket) could not travel in the route's text form
        // with the mail (fuzzing found "lmtp:]", read as host "]", whose text "lmtp:[]]:24" no longer parsed)
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("bad host '" + host + "' in " + kind.name().toLowerCase(Locale.ROOT) + ":" + hostPort
                + " (a host name or an IP address)");
        }
        int port = defaultPort;
        if (!rest.isEmpty()) {
            if (!rest.matches(":\\d{1,5}")) {
                throw new IllegalArgumentException("bad port in " + hostPort);
            }
            port = Integer.parseInt(rest.substring(1));
        }
        return new Route(kind, host.toLowerCase(Locale.ROOT), port, tls, credentials, "");
    }

    /** The destination in transport.xml syntax, e.g. {@code smtp:[relay.example.net]:587}. */
    public String destination() {
        return switch (kind) {
            case SMTP, LMTP -> kind.name().toLowerCase(Locale.ROOT) + ":[" + host + "]:" + port;
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    /** A one-line form that {@link #fromText} reads back: how the route travels with a mail through the queue. */
    public String asText() {
        // option values URL-encoded: a reject reply has spaces, a credentials path may (fuzzing found a reject route
        // whose own reply was lost on the way and replaced by the default one)
        StringBuilder text = new StringBuilder(destination()).append(" tls=").append(tls.name().toLowerCase(Locale.ROOT));
        credentials.ifPresent(path -> text.append(" credentials=").append(encode(path.toString())));
        if (kind == Kind.REJECT) {
            text.append(" reply=").append(encode(reply));
        }
        return text.toString();
    }

    public static Route fromText(String text) {
        String[] tokens = text.strip().split(" ");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < tokens.length; i++) {
            int equals = tokens[i].indexOf('=');
            if (equals > 0) {
                options.put(tokens[i].substring(0, equals), decode(tokens[i].substring(equals + 1)));
            }
        }
        return parse(tokens[0], options);
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return kind == Kind.REJECT ? "reject (" + reply + ")" : asText();
    }
}
