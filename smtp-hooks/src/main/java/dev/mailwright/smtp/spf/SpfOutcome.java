package dev.mailwright.smtp.spf;

import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * The SPF check of the current transaction, kept in the session for the end-of-DATA checks (DMARC alignment,
 * Authentication-Results).
 *
 * @param result      what the check found
 * @param identity    {@code mailfrom}, or {@code helo} for a null sender (RFC 7208 2.3)
 * @param domain      the domain that was checked
 * @param explanation the domain's explanation for a fail (sanitized), or empty
 */
public record SpfOutcome(SpfResult result, String identity, String domain, String explanation) {
    private static final ProtocolSession.AttachmentKey<SpfOutcome> KEY =
        ProtocolSession.AttachmentKey.of("mailwright.spf", SpfOutcome.class);

    public static Optional<SpfOutcome> of(SMTPSession session) {
        return session.getAttachment(KEY, ProtocolSession.State.Transaction);
    }

    public void store(SMTPSession session) {
        session.setAttachment(KEY, this, ProtocolSession.State.Transaction);
    }
}
