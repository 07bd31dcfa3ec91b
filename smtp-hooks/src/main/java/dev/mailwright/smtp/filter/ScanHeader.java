package dev.mailwright.smtp.filter;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.smtp.policy.HeaderEdit;

/**
 * The {@code X-Mailwright-Scan} header field: one per content filter that did not scan the message (down, too slow,
 * message too large) or found it clean, e.g. {@code X-Mailwright-Scan: rspamd=not-scanned; reason="no answer within
 * 5000 ms"}. Fields of the same filter that arrive with the message are removed first: only this server writes them.
 */
final class ScanHeader {
    static final String HEADER = "X-Mailwright-Scan";
    private static final Logger LOGGER = LoggerFactory.getLogger(ScanHeader.class);

    private ScanHeader() {
    }

    static void removeForged(Mail mail, String filter) {
        try {
            HeaderEdit.removeMatching(mail.getMessage(), HEADER, value -> value.strip().startsWith(filter + "="));
        } catch (MessagingException e) {
            LOGGER.warn("Could not check {} of {}: {}", HEADER, mail.getName(), e.getMessage());
        }
    }

    static void write(Mail mail, String filter, String status, String reason) {
        String value = filter + "=" + status + (reason == null ? "" : "; reason=\"" + sanitize(reason) + "\"");
        try {
            MimeMessage message = mail.getMessage();
            message.addHeader(HEADER, value);
        } catch (MessagingException e) {
            LOGGER.warn("Could not add {} to {}: {}", HEADER, mail.getName(), e.getMessage());
        }
    }

    /** Printable ASCII without quotes, bounded: a header value that cannot break the field. */
    static String sanitize(String text) {
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < text.length() && safe.length() < 200; i++) {
            char c = text.charAt(i);
            safe.append(c >= ' ' && c < 127 && c != '"' && c != '\\' ? c : ' ');
        }
        return safe.toString().strip();
    }
}
