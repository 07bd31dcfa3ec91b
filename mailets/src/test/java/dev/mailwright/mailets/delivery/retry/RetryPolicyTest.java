package dev.mailwright.mailets.delivery.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.Test;

import dev.mailwright.mailets.delivery.retry.RetryPolicy.Decision;
import dev.mailwright.mailets.delivery.retry.RetryPolicy.History;
import dev.mailwright.mailets.outcome.Hop;
import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.SmtpReply;

/** The retry decisions, to the millisecond, without a queue, a socket or a clock that moves. */
class RetryPolicyTest {
    private static final Instant QUEUED = Instant.parse("2026-11-29T10:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(RetrySchedule.parse(RetrySchedule.DEFAULT), Duration.ofDays(5),
        Optional.of(Duration.ofHours(4)), Duration.ofSeconds(10));

    @Test
    void aDeliveredMailIsDone() throws Exception {
        Decision decision = policy.decide(History.queued(QUEUED), List.of(delivered("bob@remote.test")), List.of(),
            QUEUED.plusMillis(1500));

        assertThat(decision.retry()).isEmpty();
        assertThat(decision.failed()).isEmpty();
        assertThat(decision.nextAttempt()).isEmpty();
    }

    @Test
    void theFirstTemporaryFailureWaitsTheFirstDelay() throws Exception {
        Instant now = QUEUED.plusMillis(1500);
        Decision decision = policy.decide(History.queued(QUEUED), List.of(deferred("bob@remote.test")), List.of(), now);

        assertThat(decision.retry()).containsExactly(new MailAddress("bob@remote.test"));
        assertThat(decision.delay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(decision.nextAttempt()).contains(now.plus(Duration.ofMinutes(5)));
        assertThat(decision.history()).isEqualTo(new History(QUEUED, 1, false));
        assertThat(decision.failed()).isEmpty();
        assertThat(decision.delayNotice()).isEmpty();
    }

    @Test
    void theNthFailureWaitsTheNthDelayAndTheLastDelayRepeats() throws Exception {
        // 5m, 10m, 20m, 40m, 1h, 2h, 4h: the 3rd failure waits 20 minutes, the 7th and every later one 4 hours
        Instant now = QUEUED.plus(Duration.ofMinutes(15)).plusMillis(7);
        assertThat(policy.decide(new History(QUEUED, 2, false), List.of(deferred("bob@remote.test")), List.of(), now).delay())
            .isEqualTo(Duration.ofMinutes(20));
        Instant later = QUEUED.plus(Duration.ofHours(30)).plusMillis(7);
        Decision decision = policy.decide(new History(QUEUED, 9, true), List.of(deferred("bob@remote.test")), List.of(), later);
        assertThat(decision.delay()).isEqualTo(Duration.ofHours(4));
        // the one source of the next attempt: the queue delay, the deferred list and the traces all read this
        assertThat(decision.nextAttempt()).contains(later.plus(Duration.ofHours(4)));
        assertThat(decision.history().failures()).isEqualTo(10);
    }

    @Test
    void permanentRefusalsFailAtOnceWhileTemporaryOnesWait() throws Exception {
        Decision decision = policy.decide(History.queued(QUEUED),
            List.of(failed("nobody@remote.test"), deferred("grey@remote.test"), delivered("bob@remote.test")), List.of(),
            QUEUED.plusMillis(200));

        assertThat(decision.failed()).extracting(o -> o.recipient().asString()).containsExactly("nobody@remote.test");
        assertThat(decision.retry()).containsExactly(new MailAddress("grey@remote.test"));
        assertThat(decision.expired()).isFalse();
    }

    @Test
    void theLastAttemptIsAtTheMaximumAgeNotAWholeStepAfterIt() throws Exception {
        Instant now = QUEUED.plus(Duration.ofDays(5)).minus(Duration.ofMinutes(90)).plusMillis(250);
        Decision decision = policy.decide(new History(QUEUED, 20, true), List.of(deferred("bob@remote.test")), List.of(), now);

        assertThat(decision.delay()).isEqualTo(Duration.ofMinutes(90).minusMillis(250));
        assertThat(decision.nextAttempt()).contains(QUEUED.plus(Duration.ofDays(5)));
    }

    @Test
    void atTheMaximumAgeTheDeferredRecipientsFailAsExpired() throws Exception {
        Instant now = QUEUED.plus(Duration.ofDays(5));
        Decision decision = policy.decide(new History(QUEUED, 31, true), List.of(deferred("bob@remote.test")), List.of(), now);

        assertThat(decision.expired()).isTrue();
        assertThat(decision.failed()).extracting(o -> o.reply().status()).containsExactly("4.4.1");
        assertThat(decision.retry()).isEmpty();
        assertThat(decision.nextAttempt()).isEmpty();
        assertThat(decision.delayNotice()).isEmpty();
        assertThat(policy.retryUntil(decision.history())).isEqualTo(QUEUED.plus(Duration.ofDays(5)));

        Decision oneMilliEarlier = policy.decide(new History(QUEUED, 31, true), List.of(deferred("bob@remote.test")),
            List.of(), now.minusMillis(1));
        assertThat(oneMilliEarlier.expired()).isFalse();
        assertThat(oneMilliEarlier.delay()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void theSenderGetsOneDelayNoticeOnceTheMailHasWaitedTheWarningDelay() throws Exception {
        Instant before = QUEUED.plus(Duration.ofHours(4)).minusMillis(1);
        Decision early = policy.decide(new History(QUEUED, 4, false), List.of(deferred("bob@remote.test")), List.of(), before);
        assertThat(early.delayNotice()).isEmpty();
        assertThat(early.history().delayNotified()).isFalse();

        Decision due = policy.decide(early.history(), List.of(deferred("bob@remote.test")), List.of(), before.plusMillis(1));
        assertThat(due.delayNotice()).extracting(o -> o.recipient().asString()).containsExactly("bob@remote.test");
        assertThat(due.history().delayNotified()).isTrue();

        Decision again = policy.decide(due.history(), List.of(deferred("bob@remote.test")), List.of(),
            before.plus(Duration.ofHours(2)));
        assertThat(again.delayNotice()).isEmpty();

        RetryPolicy quiet = new RetryPolicy(RetrySchedule.parse("1s"), Duration.ofDays(5), Optional.empty(), Duration.ofSeconds(10));
        assertThat(quiet.decide(new History(QUEUED, 4, false), List.of(deferred("bob@remote.test")), List.of(),
            QUEUED.plus(Duration.ofDays(2))).delayNotice()).isEmpty();
    }

    @Test
    void recipientsOfABusyDestinationWaitTheBusyDelayWithoutCountingAFailure() throws Exception {
        Instant now = QUEUED.plus(Duration.ofHours(6));
        Decision busy = policy.decide(new History(QUEUED, 2, false), List.of(), List.of(new MailAddress("bob@remote.test")), now);
        assertThat(busy.retry()).containsExactly(new MailAddress("bob@remote.test"));
        assertThat(busy.delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(busy.history()).isEqualTo(new History(QUEUED, 2, false));
        assertThat(busy.delayNotice()).isEmpty();

        Decision mixed = policy.decide(new History(QUEUED, 0, false), List.of(deferred("grey@other.test")),
            List.of(new MailAddress("bob@remote.test")), QUEUED.plusSeconds(1));
        assertThat(mixed.retry()).containsExactlyInAnyOrder(new MailAddress("bob@remote.test"), new MailAddress("grey@other.test"));
        assertThat(mixed.delay()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void retrySchedulesGrowThenRepeatTheLastDelay() {
        RetrySchedule schedule = RetrySchedule.parse(RetrySchedule.DEFAULT);
        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(5)).isEqualTo(Duration.ofHours(1));
        assertThat(schedule.delayAfter(7)).isEqualTo(Duration.ofHours(4));
        assertThat(schedule.delayAfter(40)).isEqualTo(Duration.ofHours(4));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5d")).isEqualTo(Duration.ofDays(5));
    }

    @Test
    void theScheduleIsParsedFromTheMailetParameter() {
        assertThat(RetrySchedule.parse("500ms, 2s ,1m").delays())
            .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMinutes(1));
        assertThat(RetrySchedule.parse("1m, 1h").delayAfter(0)).isEqualTo(Duration.ofMinutes(1));
    }

    private static RecipientOutcome delivered(String recipient) throws Exception {
        return RecipientOutcome.of(new MailAddress(recipient), new SmtpReply(250, List.of("2.0.0 queued")), Hop.NONE);
    }

    private static RecipientOutcome deferred(String recipient) throws Exception {
        return RecipientOutcome.of(new MailAddress(recipient), SmtpReply.local(451, "4.4.1", "connect to mx failed"), Hop.NONE);
    }

    private static RecipientOutcome failed(String recipient) throws Exception {
        return RecipientOutcome.of(new MailAddress(recipient), new SmtpReply(550, List.of("5.1.1 unknown user")), Hop.NONE);
    }
}
