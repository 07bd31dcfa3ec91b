package dev.mailwright.server.imap;

import org.apache.james.imap.api.process.ImapSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per failed IMAP LOGIN or AUTHENTICATE on the logger {@code dev.mailwright.imap.authentication}, for
 * fail2ban or a SIEM (the SMTP counterpart is the transaction log's {@code stage=AUTH} line):
 * <pre>imap outcome=rejected stage=LOGIN client=203.0.113.9 user=alice@example.com tls=yes reply="NO LOGIN failed. Invalid login/password."</pre>
 * Successful logins are logged at DEBUG. The user name is the client's: written without control characters, and
 * quoted when it has spaces, so that it cannot forge a line.
 */
public class FailedLoginLog implements ImapAuthenticationListener {
    static final Logger LOG = LoggerFactory.getLogger("dev.mailwright.imap.authentication");

    @Override
    public void authenticated(ImapAuthentication authentication, ImapSession session) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(line("accepted", authentication));
        }
    }

    @Override
    public void failed(ImapAuthentication authentication, ImapSession session) {
        LOG.info(line("rejected", authentication));
    }

    static String line(String outcome, ImapAuthentication authentication) {
        return "imap outcome=" + outcome
            + " stage=" + (authentication.mechanism().equals("LOGIN") ? "LOGIN" : "AUTHENTICATE")
            + " client=" + authentication.client()
            + " user=" + authentication.user().map(FailedLoginLog::quoteIfNeeded).orElse("-")
            + (authentication.mechanism().equals("LOGIN") ? "" : " mechanism=" + clean(authentication.mechanism()))
            + " tls=" + (authentication.tls() ? "yes" : "no")
            + " reply=\"" + clean(authentication.reply()).replace('"', '\'') + "\"";
    }

    private static String quoteIfNeeded(String value) {
        String cleaned = clean(value);
        return cleaned.isEmpty() || cleaned.contains(" ") || cleaned.contains("\"")
            ? "\"" + cleaned.replace('"', '\'') + "\"" : cleaned;
    }

    private static String clean(String value) {
        StringBuilder cleaned = new StringBuilder(value.length());
        value.codePoints().forEach(c -> cleaned.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return cleaned.toString();
    }
}
