package dev.mailwright.mailets.bounce;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailets.outcome.RecipientOutcome;

/**
 * Tells a sender what became of their mail, for the router (recipients a {@code reject} route refuses) and for the
 * outbound delivery (failed recipients, delay notices), like Postfix's bounce daemon: one RFC 3464 DSN per call, sent
 * from the null sender through the mailet container. A mail from the null sender never gets a DSN (that would be
 * backscatter or a loop): when it fails it is kept in the failed-delivery repository, if one is configured, and logged.
 */
public final class Bouncer {
    private static final Logger LOGGER = LoggerFactory.getLogger(Bouncer.class);

    private final DsnBuilder dsns;
    private final MailetContext context;
    private final Optional<MailRepository> failedRepository;

    public Bouncer(String reportingMta, MailetContext context, Optional<MailRepository> failedRepository) {
        this.dsns = new DsnBuilder(reportingMta);
        this.context = context;
        this.failedRepository = failedRepository;
    }

    /** The recipients of {@code outcomes} will never get {@code mail}; {@code arrival} is when we accepted it. */
    public void failed(Mail mail, List<RecipientOutcome> outcomes, Instant arrival) throws MessagingException {
        if (outcomes.isEmpty()) {
            return;
        }
        if (mail.getMaybeSender().isNullSender()) {
            keep(mail, outcomes);
            return;
        }
        send(dsns.build(DsnBuilder.Kind.FAILED, mail, outcomes, arrival, arrival));
    }

    /** {@code mail} is still waiting for the recipients of {@code outcomes}, and is retried until {@code retryUntil}. */
    public void delayed(Mail mail, List<RecipientOutcome> outcomes, Instant arrival, Instant retryUntil) throws MessagingException {
        if (outcomes.isEmpty() || mail.getMaybeSender().isNullSender()) {
            return;
        }
        send(dsns.build(DsnBuilder.Kind.DELAYED, mail, outcomes, arrival, retryUntil));
    }

    private void send(Mail dsn) throws MessagingException {
        try {
            context.sendMail(dsn);
        } finally {
            LifecycleUtil.dispose(dsn);
        }
    }

    private void keep(Mail mail, List<RecipientOutcome> outcomes) throws MessagingException {
        LOGGER.warn("mail {} from the null sender could not be delivered to {}: no DSN is sent{}", mail.getName(),
            outcomes.stream().map(o -> o.recipient().asString()).toList(),
            failedRepository.isPresent() ? ", it is kept in the failed-delivery repository" : "");
        if (failedRepository.isEmpty()) {
            return;
        }
        Mail copy = mail.duplicate();
        try {
            copy.setRecipients(outcomes.stream().map(RecipientOutcome::recipient).toList());
            copy.setErrorMessage(outcomes.get(0).reply().oneLine());
            failedRepository.get().store(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }
}
