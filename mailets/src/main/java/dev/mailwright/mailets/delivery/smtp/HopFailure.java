package dev.mailwright.mailets.delivery.smtp;

import dev.mailwright.mailets.outcome.SmtpReply;

/** A host could not take the transaction (refused connection, greeting, TLS policy...); the next host may. */
public final class HopFailure extends Exception {
    private final SmtpReply reply;

    public HopFailure(SmtpReply reply) {
        super(reply.oneLine());
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}
