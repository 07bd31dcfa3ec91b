package dev.mailwright.mailets.delivery.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;

import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.RecipientOutcome.Result;

/**
 * What happens after a delivery attempt, decided from its outcomes, the clock and the schedule alone (no queue, no
 * socket, no mail): which recipients fail now (a DSN), which wait and until when (the only place the next attempt is
 * computed: the queue delay, the deferred list and the traces all use it), and whether the sender gets the one delay
 * notice. Like Postfix's queue manager: the n-th temporary failure waits the n-th delay of the schedule, the last
 * attempt is at {@code maxAge} after the mail was queued, after which the deferred recipients fail ("expired").
 */
public final class RetryPolicy {
    private final RetrySchedule schedule;
    private final Duration maxAge;
    private final Optional<Duration> delayWarning;
    private final Duration busyRetryDelay;

    /**
     * @param delayWarning after how long a deferred mail's sender gets one delay notice (none when empty)
     * @param busyRetryDelay the wait of recipients that were not tried because their destination was busy
     */
    public RetryPolicy(RetrySchedule schedule, Duration maxAge, Optional<Duration> delayWarning, Duration busyRetryDelay) {
        this.schedule = schedule;
        this.maxAge = maxAge;
        this.delayWarning = delayWarning;
        this.busyRetryDelay = busyRetryDelay;
    }

    /** What a queued mail remembers between attempts: when it was queued, its temporary failures, the notice sent. */
    public record History(Instant queuedAt, int failures, boolean delayNotified) {
        public static History queued(Instant at) {
            return new History(at, 0, false);
        }
    }

    /**
     * The verdict on one attempt.
     *
     * @param failed recipients that fail now (permanent refusals, and deferred ones past {@code maxAge}): one DSN
     * @param delayNotice deferred recipients the sender is told about now (empty: no notice)
     * @param retry recipients that stay queued
     * @param delay how long they wait (zero when none is left)
     * @param nextAttempt when they are tried again (empty when none is left)
     * @param expired whether the deferred recipients failed because the mail is too old
     * @param history what the mail remembers for the next attempt
     */
    public record Decision(List<RecipientOutcome> failed, List<RecipientOutcome> delayNotice, List<MailAddress> retry,
                           Duration delay, Optional<Instant> nextAttempt, boolean expired, History history) {
    }

    /** The last moment a mail queued at {@code queuedAt} is tried (DSNs say "will retry until"). */
    public Instant retryUntil(History history) {
        return history.queuedAt().plus(maxAge);
    }

    /**
     * @param outcomes the results of the recipients tried in this attempt
     * @param notTried recipients whose destination was busy (not a failure: they wait {@code busyRetryDelay})
     */
    public Decision decide(History history, List<RecipientOutcome> outcomes, List<MailAddress> notTried, Instant now) {
        List<RecipientOutcome> failed = new ArrayList<>(outcomes.stream().filter(o -> o.result() == Result.FAILED).toList());
        List<RecipientOutcome> deferred = outcomes.stream().filter(o -> o.result() == Result.DEFERRED).toList();
        Instant expiry = retryUntil(history);
        boolean expired = !deferred.isEmpty() && !now.isBefore(expiry);
        if (expired) {
            failed.addAll(deferred);
            deferred = List.of();
        }

        List<MailAddress> retry = new ArrayList<>(notTried);
        deferred.forEach(outcome -> retry.add(outcome.recipient()));
        if (retry.isEmpty()) {
            return new Decision(failed, List.of(), List.of(), Duration.ZERO, Optional.empty(), expired, history);
        }

        History next = history;
        Duration delay = busyRetryDelay;
        List<RecipientOutcome> notice = List.of();
        if (!deferred.isEmpty()) {
            int failures = history.failures() + 1;
            Duration scheduled = schedule.delayAfter(failures);
            Duration untilExpiry = Duration.between(now, expiry);
            // the last attempt is at the expiry, not a whole step after it
            delay = untilExpiry.compareTo(scheduled) < 0 ? untilExpiry : scheduled;
            boolean notify = delayWarning.isPresent() && !history.delayNotified()
                && !now.isBefore(history.queuedAt().plus(delayWarning.get()));
            notice = notify ? deferred : List.of();
            next = new History(history.queuedAt(), failures, history.delayNotified() || notify);
        }
        return new Decision(failed, notice, retry, delay, Optional.of(now.plus(delay)), false, next);
    }
}
