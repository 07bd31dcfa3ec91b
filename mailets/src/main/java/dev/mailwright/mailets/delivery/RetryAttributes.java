package dev.mailwright.mailets.delivery;

import java.time.Instant;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.mailwright.mailets.delivery.retry.RetryPolicy.History;

/**
 * The retry {@link History} of a queued mail, kept in mail attributes (plain numbers and booleans, which James's
 * queues persist) so that it survives the queue and restarts.
 */
final class RetryAttributes {
    static final AttributeName QUEUED_AT = AttributeName.of("dev.mailwright.delivery.queued-at");
    static final AttributeName FAILURES = AttributeName.of("dev.mailwright.delivery.failures");
    static final AttributeName DELAY_NOTIFIED = AttributeName.of("dev.mailwright.delivery.delay-notified");

    private RetryAttributes() {
    }

    /** Marks a mail entering the queue (a mail coming back, e.g. from the hold repository, keeps its time). */
    static void queued(Mail mail, Instant now) {
        if (mail.getAttribute(QUEUED_AT).isEmpty()) {
            mail.setAttribute(new Attribute(QUEUED_AT, AttributeValue.of(now.toEpochMilli())));
        }
    }

    static History of(Mail mail, Instant now) {
        Instant queuedAt = mail.getAttribute(QUEUED_AT)
            .map(attribute -> Instant.ofEpochMilli(((Number) attribute.getValue().getValue()).longValue()))
            .orElse(now);
        int failures = mail.getAttribute(FAILURES).map(attribute -> ((Number) attribute.getValue().getValue()).intValue()).orElse(0);
        boolean notified = mail.getAttribute(DELAY_NOTIFIED).map(attribute -> Boolean.TRUE.equals(attribute.getValue().getValue()))
            .orElse(false);
        return new History(queuedAt, failures, notified);
    }

    static void store(Mail mail, History history) {
        mail.setAttribute(new Attribute(QUEUED_AT, AttributeValue.of(history.queuedAt().toEpochMilli())));
        mail.setAttribute(new Attribute(FAILURES, AttributeValue.of(history.failures())));
        if (history.delayNotified()) {
            mail.setAttribute(new Attribute(DELAY_NOTIFIED, AttributeValue.of(true)));
        }
    }
}
