package dev.mailwright.mailets.delivery.nexthop;

import dev.mailwright.mailets.outcome.SmtpReply;

/** A destination cannot be tried at all (DNS says no, no usable host): temporary or permanent by its reply. */
public final class DeliveryFailure extends Exception {
    private final SmtpReply reply;

    public DeliveryFailure(SmtpReply reply) {
        super(reply.oneLine());
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}
