package dev.mailwright.mailets.outcome;

import org.apache.james.core.MailAddress;

/** What one attempt achieved for one recipient, with the reply that decided it and the host that gave it. */
public record RecipientOutcome(MailAddress recipient, Result result, SmtpReply reply, Hop hop) {
    public enum Result {
        DELIVERED, DEFERRED, FAILED;

        static Result of(SmtpReply reply) {
            return reply.isPositive() ? DELIVERED : reply.isTransient() ? DEFERRED : FAILED;
        }
    }

    /** The outcome the reply means: delivered (2xx, 3xx), deferred (4xx) or failed (5xx). */
    public static RecipientOutcome of(MailAddress recipient, SmtpReply reply, Hop hop) {
        return new RecipientOutcome(recipient, Result.of(reply), reply, hop);
    }
}
