package dev.mailwright.smtp.dmarc;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.mailwright.smtp.dkim.DkimResult;
import dev.mailwright.smtp.spf.SpfOutcome;

/**
 * What authenticates the current message: the SPF check made at MAIL FROM (absent if none was made), the DKIM
 * signatures and the DMARC evaluation of each author (From) domain. Computed once per message by
 * {@link MessageAuthenticator} and shared by the end-of-DATA hooks.
 */
public record MessageAuthentication(Optional<SpfOutcome> spf, List<DkimResult> dkim, List<String> fromDomains,
                                    List<DmarcResult> dmarc) {
    static final ProtocolSession.AttachmentKey<MessageAuthentication> KEY =
        ProtocolSession.AttachmentKey.of("mailwright.message-authentication", MessageAuthentication.class);

    /** The authentication of the current message, if a hook already made it. */
    public static Optional<MessageAuthentication> of(SMTPSession session) {
        return session.getAttachment(KEY, ProtocolSession.State.Transaction);
    }

    /** The DMARC result that decides: the strictest disposition, then the first failure. */
    public Optional<DmarcResult> decisive() {
        return dmarc.stream()
            .max(Comparator.<DmarcResult>comparingInt(result -> result.disposition().ordinal())
                .thenComparingInt(result -> result.result() == DmarcResult.Result.FAIL ? 1 : 0));
    }
}
