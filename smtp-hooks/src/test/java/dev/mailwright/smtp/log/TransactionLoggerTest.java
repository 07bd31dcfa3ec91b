package dev.mailwright.smtp.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;



import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.MailCmdHandler;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailwright.smtp.testing.FakeSession;

class TransactionLoggerTest {
    private final TransactionLogger logger = new TransactionLogger();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final MailCmdHandler mailCommand = mock(MailCmdHandler.class);
    private final RcptCmdHandler rcptCommand = mock(RcptCmdHandler.class);
    private FakeSession session;

    @BeforeEach
    void setUp() {
        lines.start();
        ((Logger) LoggerFactory.getLogger("dev.mailwright.smtp.transactions")).addAppender(lines);
        session = new FakeSession("192.0.2.7");
        session.setAttachment(SMTPSession.CURRENT_HELO_NAME, "mx.sender.test", ProtocolSession.State.Connection);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger("dev.mailwright.smtp.transactions")).detachAppender(lines);
    }

    @Test
    void logsARefusedRecipientWithTheReply() throws Exception {
        mail("someone@sender.test");
        session.setAttachment(RcptCmdHandler.CURRENT_RECIPIENT, new MailAddress("nobody@example.test"), ProtocolSession.State.Transaction);
        Response refusal = new SMTPResponse("550", "5.1.1 Unknown user: nobody@example.test");

        Response returned = logger.onResponse(session, refusal, 1, rcptCommand);

        assertThat(returned).isSameAs(refusal);
        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).isEqualTo(
            "smtp outcome=rejected stage=RCPT client=192.0.2.7 helo=mx.sender.test tls=no from=<someone@sender.test> "
                + "to=<nobody@example.test> reply=\"550 5.1.1 Unknown user: nobody@example.test\"");
    }

    @Test
    void logsAnAcceptedMessageWithItsQueueIdAndRecipients() throws Exception {
        mail("someone@sender.test");
        rcpt("bob@example.test");
        rcpt("carol@example.test");
        logger.onMessage(session, FakeMail.builder().name("Mail42").size(1234).build());
        HookResult queued = HookResult.builder().hookReturnCode(HookReturnCode.ok()).smtpDescription("2.6.0 Message received").build();

        HookResult returned = logger.onHookResult(session, queued, 3, mock(JamesMessageHook.class));

        assertThat(returned).isSameAs(queued);
        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).isEqualTo(
            "smtp outcome=accepted id=Mail42 client=192.0.2.7 helo=mx.sender.test tls=no from=<someone@sender.test> "
                + "to=<bob@example.test>,<carol@example.test> size=1234 reply=\"250 2.6.0 Message received\"");
    }

    @Test
    void logsARefusalAtTheEndOfData() throws Exception {
        mail("someone@sender.test");
        rcpt("bob@example.test");
        HookResult refused = HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("552")
            .smtpDescription("5.3.4 Message too big").build();

        logger.onHookResult(session, refused, 3, mock(JamesMessageHook.class));

        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
            .startsWith("smtp outcome=rejected stage=DATA").contains("reply=\"552 5.3.4 Message too big\"");
    }

    @Test
    void declinedMessageHooksAreNotOutcomes() throws Exception {
        mail("someone@sender.test");
        logger.onHookResult(session, HookResult.DECLINED, 1, mock(JamesMessageHook.class));

        assertThat(lines.list).isEmpty();
    }

    @Test
    void aRefusedMailFromShowsTheSenderTheClientGave() throws Exception {
        logger.doMail(session, MaybeSender.of(new MailAddress("ceo@forged.test")));

        logger.onResponse(session, new SMTPResponse("550", "5.7.23 SPF check failed"), 1, mailCommand);

        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).isEqualTo(
            "smtp outcome=rejected stage=MAIL client=192.0.2.7 helo=mx.sender.test tls=no from=<ceo@forged.test> to=- "
                + "reply=\"550 5.7.23 SPF check failed\"");
    }

    @Test
    void aFailedAuthIsOneLineWithTheClientAndTheUserNameTried() {
        logger.doAuth(session, Username.of("alice@example.test"), "wrong");

        logger.onResponse(session, new SMTPResponse("535", "Authentication Failed"), 1, mock(AuthCmdHandler.class));

        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).isEqualTo(
            "smtp outcome=rejected stage=AUTH client=192.0.2.7 helo=mx.sender.test tls=no user=alice@example.test "
                + "reply=\"535 Authentication Failed\"");
    }

    @Test
    void aUserNameCannotForgeASecondLogLine() {
        logger.doAuth(session, Username.of("x\nsmtp outcome=rejected stage=AUTH client=198.51.100.1"), "wrong");

        logger.onResponse(session, new SMTPResponse("535", "Authentication Failed"), 1, mock(AuthCmdHandler.class));

        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
            .doesNotContain("\n").contains("user=\"x?smtp outcome=rejected stage=").endsWith("reply=\"535 Authentication Failed\"");
    }

    private void mail(String sender) throws Exception {
        session.setAttachment(SMTPSession.SENDER, MaybeSender.of(new MailAddress(sender)), ProtocolSession.State.Transaction);
        logger.onResponse(session, new SMTPResponse("250", "2.1.0 Sender OK"), 1, mailCommand);
    }

    private void rcpt(String recipient) throws Exception {
        session.setAttachment(RcptCmdHandler.CURRENT_RECIPIENT, new MailAddress(recipient), ProtocolSession.State.Transaction);
        logger.onResponse(session, new SMTPResponse("250", "2.1.5 Recipient OK"), 1, rcptCommand);
    }

}
