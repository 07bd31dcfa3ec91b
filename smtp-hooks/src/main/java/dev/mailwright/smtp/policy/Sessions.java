package dev.mailwright.smtp.policy;

import java.net.InetAddress;
import java.util.Optional;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/** What the policies read from an SMTP session. */
public final class Sessions {
    private Sessions() {
    }

    /** The client's address (the original client's when the listener takes the PROXY protocol). */
    public static InetAddress clientAddress(SMTPSession session) {
        return session.getRemoteAddress().getAddress();
    }

    public static String clientIp(SMTPSession session) {
        return clientAddress(session).getHostAddress();
    }

    public static Optional<String> helo(SMTPSession session) {
        return session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection);
    }

    public static Optional<MaybeSender> sender(SMTPSession session) {
        return session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction);
    }

    public static boolean isAuthenticated(SMTPSession session) {
        return session.getUsername() != null;
    }

    /**
     * Authenticated, or from an address the listener trusts to relay ({@code <authorizedAddresses>}, e.g. loopback
     * for local programs): the client is one of ours, so the checks meant for strangers do not apply.
     */
    public static boolean isTrusted(SMTPSession session) {
        return isAuthenticated(session) || session.isRelayingAllowed();
    }

    /** The server's own name ({@code <helloName>}), used as the authserv-id of Authentication-Results. */
    public static String serverName(SMTPSession session) {
        return session.getConfiguration().getHelloName();
    }
}
