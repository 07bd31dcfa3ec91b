package dev.mailwright.mailets.delivery;

/** A destination cannot be tried at all (DNS says no, no usable host): temporary or permanent by its reply. */
final class DeliveryFailure extends Exception {
    private final SmtpReply reply;

    DeliveryFailure(SmtpReply reply) {
        super(reply.oneLine());
        this.reply = reply;
    }

    SmtpReply reply() {
        return reply;
    }
}
