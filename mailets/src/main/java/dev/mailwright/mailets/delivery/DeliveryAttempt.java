package dev.mailwright.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.mailwright.mailets.bounce.Bouncer;
import dev.mailwright.mailets.delivery.queue.DeliveryQueue;
import dev.mailwright.mailets.delivery.queue.DestinationLimits;
import dev.mailwright.mailets.delivery.retry.RetryPolicy;
import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.RecipientOutcome.Result;
import dev.mailwright.mailets.routing.Route;
import dev.mailwright.mailets.routing.RouteAttribute;

/**
 * One attempt of a dequeued mail, tying the parts together: its recipients split by destination (at most
 * {@code maxPerDestination} transactions at once each), each destination delivered (next hops, SMTP client), every
 * recipient's result traced, then the {@link RetryPolicy}'s verdict carried out: the {@link Bouncer} tells the sender
 * about failures and long delays, the remaining recipients go back to the queue for the policy's delay.
 */
final class DeliveryAttempt implements DeliveryQueue.Handler {
    private final DestinationDelivery delivery;
    private final DestinationLimits limits;
    private final RetryPolicy policy;
    private final Bouncer bouncer;
    private final DeliveryTraces traces;
    private final Duration traceRetention;
    private final Clock clock;

    DeliveryAttempt(DestinationDelivery delivery, DestinationLimits limits, RetryPolicy policy, Bouncer bouncer,
                    DeliveryTraces traces, Duration traceRetention, Clock clock) {
        this.delivery = delivery;
        this.limits = limits;
        this.policy = policy;
        this.bouncer = bouncer;
        this.traces = traces;
        this.traceRetention = traceRetention;
        this.clock = clock;
    }

    private record Tried(Destination destination, List<RecipientOutcome> outcomes) {
    }

    @Override
    public Optional<Duration> attempt(Mail mail) throws MessagingException {
        Route route = RouteAttribute.of(mail);
        RetryPolicy.History history = RetryAttributes.of(mail, clock.instant());
        List<Tried> tried = new ArrayList<>();
        List<MailAddress> notTried = new ArrayList<>();
        for (Destination destination : Destination.of(List.copyOf(mail.getRecipients()), route)) {
            if (!limits.tryAcquire(destination.key())) {
                notTried.addAll(destination.recipients());
                continue;
            }
            try {
                tried.add(new Tried(destination, delivery.deliver(destination, mail.getMaybeSender(), mail.getMessage())));
            } finally {
                limits.release(destination.key());
            }
        }

        Instant now = clock.instant();
        List<RecipientOutcome> outcomes = tried.stream().flatMap(t -> t.outcomes().stream()).toList();
        RetryPolicy.Decision decision = policy.decide(history, outcomes, notTried, now);
        trace(mail, route, history, outcomes, decision, now);
        tried.forEach(t -> noteDestination(t, decision, now));

        bouncer.failed(mail, decision.failed(), history.queuedAt());
        bouncer.delayed(mail, decision.delayNotice(), history.queuedAt(), policy.retryUntil(history));
        if (decision.retry().isEmpty()) {
            return Optional.empty();
        }
        RetryAttributes.store(mail, decision.history());
        mail.setRecipients(decision.retry());
        return Optional.of(decision.delay());
    }

    private void trace(Mail mail, Route route, RetryPolicy.History history, List<RecipientOutcome> outcomes,
                       RetryPolicy.Decision decision, Instant now) throws MessagingException {
        String messageId = Optional.ofNullable(mail.getMessage().getMessageID()).orElse("");
        for (RecipientOutcome outcome : outcomes) {
            String result = outcome.result() == Result.DEFERRED && decision.expired()
                ? "expired" : outcome.result().name().toLowerCase(Locale.ROOT);
            traces.record(new DeliveryTrace(now.toString(), mail.getName(), messageId, mail.getMaybeSender().asString(""),
                outcome.recipient().asString(), route.destination(), outcome.hop().describe(), outcome.hop().tls(),
                outcome.hop().certificate(), outcome.hop().tlsPolicy(), history.failures() + 1, result,
                outcome.reply().oneLine()), traceRetention);
        }
    }

    /** The deferred list: a destination that took mail is reachable; one that deferred shows the real next attempt. */
    private void noteDestination(Tried tried, RetryPolicy.Decision decision, Instant now) {
        if (tried.outcomes().stream().anyMatch(o -> o.result() == Result.DELIVERED)) {
            traces.reachable(tried.destination().key());
        }
        tried.outcomes().stream().filter(o -> o.result() == Result.DEFERRED).findFirst().ifPresent(outcome ->
            traces.deferred(new DeliveryTraces.Deferred(tried.destination().key(), now.toString(), now.toString(),
                outcome.reply().oneLine(), decision.nextAttempt().map(Instant::toString).orElse("none (expired)")),
                traceRetention));
    }
}
