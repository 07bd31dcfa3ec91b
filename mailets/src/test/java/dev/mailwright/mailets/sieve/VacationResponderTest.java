package dev.mailwright.mailets.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.transport.mailets.jsieve.ActionContext;
import org.apache.jsieve.mail.optional.ActionVacation;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.store.InMemoryStateStore;

class VacationResponderTest {
    private static final String BOB = "bob@example.test";

    private final List<Mail> replies = new ArrayList<>();
    private ActionContext context;
    private VacationResponder responder;
    private ActionVacation vacation;

    @BeforeEach
    void setUp() throws Exception {
        responder = new VacationResponder(new InMemoryStateStore(), Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
        context = mock(ActionContext.class);
        when(context.getRecipient()).thenReturn(new MailAddress(BOB));
        org.mockito.Mockito.doAnswer(call -> replies.add(copy(call.getArgument(0)))).when(context).post(org.mockito.ArgumentMatchers.any(Mail.class));
        vacation = ActionVacation.builder().reason("I am away until Monday.").duration(7).build();
    }

    private static Mail copy(Mail mail) throws Exception {
        return FakeMail.builder().name("reply").sender(mail.getMaybeSender()).recipients(List.copyOf(mail.getRecipients()))
            .mimeMessage(new MimeMessage(mail.getMessage())).build();
    }

    private static Mail mail(String sender, String headers) throws Exception {
        String raw = "From: <" + (sender.isEmpty() ? "mailer-daemon@other.test" : sender) + ">\r\nTo: Bob <" + BOB + ">\r\n"
            + "Subject: Project\r\nMessage-ID: <m1@other.test>\r\n" + headers + "\r\nHello Bob\r\n";
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        FakeMail.Builder builder = FakeMail.builder().name("m1").recipient(BOB).mimeMessage(message);
        return (sender.isEmpty() ? builder.sender(org.apache.james.core.MaybeSender.nullSender()) : builder.sender(sender)).build();
    }

    @Test
    void repliesOncePerSenderPerPeriodWithTheRfc3834Fields() throws Exception {
        responder.execute(vacation, mail("carol@other.test", ""), context);
        responder.execute(vacation, mail("carol@other.test", ""), context);
        responder.execute(vacation, mail("dave@other.test", ""), context);

        assertThat(replies).hasSize(2);
        Mail reply = replies.get(0);
        assertThat(reply.getMaybeSender().isNullSender()).as("null envelope sender").isTrue();
        assertThat(reply.getRecipients()).containsExactly(new MailAddress("carol@other.test"));
        MimeMessage message = reply.getMessage();
        assertThat(message.getHeader("Auto-Submitted")[0]).startsWith("auto-replied");
        assertThat(message.getHeader("In-Reply-To")[0]).isEqualTo("<m1@other.test>");
        assertThat(message.getMessageID()).endsWith(".vacation@example.test>");
        assertThat(message.getSubject()).isEqualTo("Auto: Project");
        assertThat(message.getFrom()[0].toString()).isEqualTo(BOB);
        assertThat(message.getContent().toString()).contains("I am away until Monday.");
    }

    @Test
    void anotherReasonIsAnotherReply() throws Exception {
        responder.execute(vacation, mail("carol@other.test", ""), context);
        responder.execute(ActionVacation.builder().reason("Back next week").duration(7).build(), mail("carol@other.test", ""), context);

        assertThat(replies).hasSize(2);
    }

    @Test
    void automaticListBulkAndNullSenderMailGetsNoReply() throws Exception {
        for (Mail mail : List.of(
            mail("", ""),
            mail("mailer-daemon@other.test", ""),
            mail("owner-list@other.test", ""),
            mail("list-request@other.test", ""),
            mail("carol@other.test", "Auto-Submitted: auto-replied\r\n"),
            mail("carol@other.test", "Precedence: bulk\r\n"),
            mail("carol@other.test", "List-Id: <news.other.test>\r\n"),
            mail("carol@other.test", "Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n"),
            mail("carol@other.test", "X-Spam-Flag: YES\r\n"),
            mail(BOB, ""))) {
            responder.execute(vacation, mail, context);
        }

        assertThat(replies).isEmpty();
    }

    @Test
    void mailNotAddressedToTheUserGetsNoReplyUnlessAnAddressIsListed() throws Exception {
        Mail bcc = mail("carol@other.test", "");
        bcc.getMessage().setHeader("To", "everyone@lists.other.test");

        responder.execute(vacation, bcc, context);
        assertThat(replies).isEmpty();

        responder.execute(ActionVacation.builder().reason("away").addresses(List.of("everyone@lists.other.test")).build(), bcc, context);
        assertThat(replies).hasSize(1);
    }

    @Test
    void subjectAndFromOfTheScriptAreUsed() throws Exception {
        responder.execute(ActionVacation.builder().reason("away").subject("Out of office").from("bob.smith@example.test").build(),
            mail("carol@other.test", ""), context);

        assertThat(replies.get(0).getMessage().getSubject()).isEqualTo("Out of office");
        assertThat(replies.get(0).getMessage().getFrom()[0].toString()).isEqualTo("bob.smith@example.test");
    }
}
