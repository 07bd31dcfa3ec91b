package dev.mailwright.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.store.InMemoryStateStore;
import dev.mailwright.common.testing.TestClock;
import dev.mailwright.mailets.bounce.Bouncer;
import dev.mailwright.mailets.delivery.queue.DestinationLimits;
import dev.mailwright.mailets.delivery.retry.RetryPolicy;
import dev.mailwright.mailets.delivery.retry.RetrySchedule;
import dev.mailwright.mailets.outcome.Hop;
import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.SmtpReply;

/**
 * One attempt after another of a queued mail, with scripted destination results and a clock moved by hand: what the
 * sender is told (one delay notice, one DSN), what the traces and the deferred list say, what goes back to the queue.
 * These are the retry and expiry cases that need no socket.
 */
class DeliveryAttemptTest {
    private static final Hop HOP = new Hop("mx.remote.test", "192.0.2.1", 25, "none", "-", "opportunistic TLS");
    private final TestClock clock = new TestClock();
    private final FakeMailContext context = FakeMailContext.defaultContext();
    private final InMemoryStateStore store = new InMemoryStateStore(clock);
    private final DeliveryTraces traces = new DeliveryTraces(store);
    private final MailRepository failedRepository = mock(MailRepository.class);
    private final List<String> attempted = new ArrayList<>();
    private Function<MailAddress, SmtpReply> replies = recipient -> new SmtpReply(250, List.of("2.0.0 queued"));

    private final DeliveryAttempt attempt = new DeliveryAttempt(new Scripted(), new DestinationLimits(20),
        new RetryPolicy(RetrySchedule.parse("5m, 4h"), Duration.ofDays(1), Optional.of(Duration.ofHours(4)), Duration.ofSeconds(10)),
        new Bouncer("mail.example.test", context, Optional.of(failedRepository)), traces, Duration.ofDays(7), clock);

    /** Replies per recipient instead of a network. */
    private final class Scripted extends DestinationDelivery {
        Scripted() {
            super(null, null);
        }

        @Override
        List<RecipientOutcome> deliver(Destination destination, MaybeSender sender, MimeMessage message) {
            attempted.add(destination.key());
            return destination.recipients().stream().map(r -> RecipientOutcome.of(r, replies.apply(r), HOP)).toList();
        }
    }

    @Test
    void aHungServerIsRetriedThenOneDelayNoticeThenOneFinalDsnAndTheLastTraceSaysExpired() throws Exception {
        replies = recipient -> SmtpReply.local(451, "4.4.2", "conversation with mx.remote.test[192.0.2.1]:25 failed: Read timed out");
        Mail mail = mail("alice@example.test", "kim@remote.test");
        RetryAttributes.queued(mail, clock.instant());

        List<Duration> waits = new ArrayList<>();
        Optional<Duration> wait = attempt.attempt(mail);
        while (wait.isPresent()) {
            waits.add(wait.get());
            clock.advance(wait.get());
            wait = attempt.attempt(mail);
        }

        // 5m, then 4h until the 1-day maximum age, the last wait cut at the expiry
        assertThat(waits).hasSize(7).startsWith(Duration.ofMinutes(5), Duration.ofHours(4)).endsWith(Duration.ofMinutes(235));
        assertThat(dsns("delayed")).hasSize(1);
        assertThat(dsns("failed")).hasSize(1);
        assertThat(dsns("failed").get(0)).contains("Status: 4.4.2").contains("Final-Recipient: rfc822; kim@remote.test");
        List<DeliveryTrace> trace = traces.ofMail(mail.getName());
        assertThat(trace).hasSize(8);
        assertThat(trace).extracting(DeliveryTrace::result).last().isEqualTo("expired");
        assertThat(trace).extracting(DeliveryTrace::attempt).startsWith(1, 2, 3);
        assertThat(trace.get(0).tlsPolicy()).isEqualTo("opportunistic TLS");
    }

    @Test
    void theDeferredListShowsTheWaitTheQueueReallyApplies() throws Exception {
        replies = recipient -> new SmtpReply(451, List.of("4.7.1 Greylisted"));
        Mail mail = mail("alice@example.test", "grey@remote.test");
        RetryAttributes.queued(mail, clock.instant());

        Instant first = clock.instant();
        assertThat(attempt.attempt(mail)).contains(Duration.ofMinutes(5));
        assertThat(traces.deferredDestinations()).singleElement().satisfies(deferred -> {
            assertThat(deferred.destination()).isEqualTo("remote.test");
            assertThat(deferred.nextAttempt()).isEqualTo(first.plus(Duration.ofMinutes(5)).toString());
        });

        clock.advance(Duration.ofMinutes(5));
        Instant second = clock.instant();
        assertThat(attempt.attempt(mail)).contains(Duration.ofHours(4));
        assertThat(traces.deferredDestinations()).singleElement().satisfies(deferred -> {
            assertThat(deferred.since()).isEqualTo(first.toString());
            assertThat(deferred.nextAttempt()).isEqualTo(second.plus(Duration.ofHours(4)).toString());
        });

        replies = recipient -> new SmtpReply(250, List.of("2.0.0 queued"));
        clock.advance(Duration.ofHours(4));
        assertThat(attempt.attempt(mail)).isEmpty();
        assertThat(traces.deferredDestinations()).isEmpty();
    }

    @Test
    void onlyTheRecipientsLeftGoBackToTheQueueAndTheRefusedOneGetsOneDsn() throws Exception {
        replies = recipient -> switch (recipient.getLocalPart()) {
            case "nobody" -> new SmtpReply(550, List.of("5.1.1 User unknown"));
            case "grey" -> new SmtpReply(451, List.of("4.7.1 Greylisted"));
            default -> new SmtpReply(250, List.of("2.0.0 queued"));
        };
        Mail mail = mail("alice@example.test", "bob@remote.test", "nobody@remote.test", "grey@other.test");
        RetryAttributes.queued(mail, clock.instant());

        assertThat(attempt.attempt(mail)).contains(Duration.ofMinutes(5));
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("grey@other.test"));
        assertThat(attempted).containsExactly("remote.test", "other.test");
        assertThat(dsns("failed")).singleElement().asString().contains("Final-Recipient: rfc822; nobody@remote.test")
            .doesNotContain("bob@remote.test");
    }

    @Test
    void aFailedMailFromTheNullSenderGetsNoDsnAndIsKept() throws Exception {
        replies = recipient -> new SmtpReply(550, List.of("5.1.1 User unknown"));
        Mail bounce = FakeMail.builder().name("bounce-1").sender(MaybeSender.nullSender()).recipient("nobody@remote.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Undelivered").setText("report")).build();

        assertThat(attempt.attempt(bounce)).isEmpty();
        assertThat(context.getSentMails()).isEmpty();
        verify(failedRepository).store(any(Mail.class));
    }

    private Mail mail(String sender, String... recipients) throws Exception {
        return FakeMail.builder().name("mail-" + System.nanoTime()).sender(sender).recipients(recipients)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Hello").setText("body").addHeader("Message-ID", "<m1@example.test>"))
            .build();
    }

    /** The DSNs sent so far with {@code Action: action}, as text. */
    private List<String> dsns(String action) throws Exception {
        List<String> found = new ArrayList<>();
        for (FakeMailContext.SentMail sent : context.getSentMails()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            sent.getMsg().writeTo(out);
            String text = out.toString(StandardCharsets.UTF_8);
            if (text.contains("Action: " + action)) {
                found.add(text);
            }
        }
        return found;
    }
}
