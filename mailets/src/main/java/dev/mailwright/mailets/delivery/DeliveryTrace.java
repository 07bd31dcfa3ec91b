package dev.mailwright.mailets.delivery;

/**
 * One delivery attempt for one recipient: which mail, where it went (route, host and address), how (TLS version,
 * certificate verdict and the TLS policy decision: route level, MTA-STS or DANE), what the other side said, and what
 * we concluded ({@code delivered}, {@code deferred}, {@code failed}, {@code expired}).
 */
public record DeliveryTrace(String time, String mailName, String messageId, String sender, String recipient,
                            String route, String hop, String tls, String certificate, String tlsPolicy, int attempt,
                            String result, String reply) {

    /** The log line: one per attempt and recipient, greppable by any field. */
    public String logLine() {
        return "delivery " + result + ": mail=" + mailName + " message-id=" + messageId + " from=<" + sender + "> to=<"
            + recipient + "> route=" + route + " hop=" + hop + " tls=" + tls + " certificate=" + certificate
            + " tls-policy=\"" + tlsPolicy + "\" attempt=" + attempt + " reply=\"" + reply + "\"";
    }
}
