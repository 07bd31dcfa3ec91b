package dev.mailwright.smtp.filter;

import static dev.mailwright.smtp.testing.Messages.header;
import static dev.mailwright.smtp.testing.Messages.mail;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.filter.FilterServices;
import dev.mailwright.common.filter.RspamdClient;
import dev.mailwright.common.filter.RspamdClient.Action;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class RspamdHookTest {
    private static final String MESSAGE = "From: <a@outside.test>\r\nTo: <bob@example.test>\r\nSubject: offer\r\n"
        + "\r\nbody\r\n";

    private final FakeSession stranger = new FakeSession("203.0.113.5").helo("mx.outside.test");

    private static RspamdHook hook(String xml) throws Exception {
        RspamdHook hook = new RspamdHook(new FilterServices(), new RecordingMetricFactory());
        hook.init(HandlerConfig.of("<rspamdUrl>http://127.0.0.1:11333</rspamdUrl>" + xml));
        return hook;
    }

    private static RspamdClient.Verdict verdict(Action action, double score, String message, String subject) {
        return new RspamdClient.Verdict(action, score, 15, message, subject, Map.of("GTUBE", score, "MIME_GOOD", -0.1));
    }

    private static Mail message() throws Exception {
        return mail("a@outside.test", "bob@example.test", MESSAGE);
    }

    private static boolean junk(Mail mail) {
        return mail.getAttribute(AttributeName.of(RspamdHook.SPAM_ATTRIBUTE)).isPresent();
    }

    @Test
    void rejectIsRefusedWithRspamdsReason() throws Exception {
        HookResult result = hook("").apply(stranger, message(), verdict(Action.REJECT, 15, "Gtube pattern", ""));

        assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription()).isEqualTo("5.7.1 Gtube pattern");
    }

    @Test
    void softRejectAndGreylistAreTemporaryRefusals() throws Exception {
        for (Action action : new Action[] {Action.SOFT_REJECT, Action.GREYLIST}) {
            HookResult result = hook("").apply(stranger, message(), verdict(action, 5, "", ""));

            assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENYSOFT);
            assertThat(result.getSmtpRetCode()).isEqualTo("451");
            assertThat(result.getSmtpDescription()).isEqualTo("4.7.1 Try again later");
        }
    }

    @Test
    void addHeaderGoesToJunkWithTheSpamHeadersOnly() throws Exception {
        Mail mail = message();

        HookResult result = hook("").apply(stranger, mail, verdict(Action.ADD_HEADER, 6, "", ""));

        assertThat(result).isEqualTo(HookResult.DECLINED);
        assertThat(junk(mail)).isTrue();
        assertThat(header(mail, "X-Spam-Flag")).containsExactly("YES");
        assertThat(header(mail, "X-Spam-Score")).containsExactly("6.00 / 15.00");
        assertThat(header(mail, "X-Spam-Action")).containsExactly("add header");
        assertThat(header(mail, "X-Spam-Symbols")).containsExactly("GTUBE(6.00), MIME_GOOD(-0.10)");
    }

    @Test
    void rewriteSubjectGoesToJunkWithRspamdsSubject() throws Exception {
        Mail mail = message();

        hook("").apply(stranger, mail, verdict(Action.REWRITE_SUBJECT, 7, "", "*** SPAM *** offer"));

        assertThat(junk(mail)).isTrue();
        assertThat(mail.getMessage().getSubject()).isEqualTo("*** SPAM *** offer");
    }

    @Test
    void noActionIsDeliveredWithTheScore() throws Exception {
        Mail mail = message();

        HookResult result = hook("").apply(stranger, mail, verdict(Action.NO_ACTION, 1.5, "", ""));

        assertThat(result).isEqualTo(HookResult.DECLINED);
        assertThat(junk(mail)).isFalse();
        assertThat(header(mail, "X-Spam-Flag")).containsExactly("NO");
    }

    @Test
    void ownUsersSpamIsRefusedWithAnExplanation() throws Exception {
        FakeSession user = new FakeSession("198.51.100.7").authenticatedAs("alice@example.test");

        HookResult result = hook("").apply(user, message(), verdict(Action.REJECT, 16, "Gtube pattern", ""));

        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription())
            .isEqualTo("5.7.1 Message rejected as spam (Gtube pattern); if this is a mistake, contact your postmaster");
    }

    @Test
    void ownUsersSpamFollowsSubmissionAction() throws Exception {
        FakeSession user = new FakeSession("198.51.100.7").authenticatedAs("alice@example.test");

        assertThat(hook("<submissionAction>accept</submissionAction>").apply(user, message(), verdict(Action.REJECT, 16, "", "")))
            .isEqualTo(HookResult.DECLINED);
        assertThat(hook("<submissionAction>tempfail</submissionAction>").apply(user, message(), verdict(Action.REJECT, 16, "", ""))
            .getSmtpRetCode()).isEqualTo("451");
        // softer actions never refuse our own users
        assertThat(hook("").apply(user, message(), verdict(Action.SOFT_REJECT, 8, "", ""))).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void reportModeRefusesNothingAndFilesNothing() throws Exception {
        Mail rejected = message();
        Mail junk = message();

        assertThat(hook("<mode>report</mode>").apply(stranger, rejected, verdict(Action.REJECT, 15, "Gtube pattern", "")))
            .isEqualTo(HookResult.DECLINED);
        hook("<mode>report</mode>").apply(stranger, junk, verdict(Action.ADD_HEADER, 6, "", ""));

        assertThat(header(rejected, "X-Spam-Flag")).containsExactly("YES");
        assertThat(junk(junk)).isFalse();
    }

    @Test
    void spamAndScanFieldsArrivingWithTheMessageAreRemoved() throws Exception {
        Mail mail = mail("a@outside.test", "bob@example.test", "From: <a@outside.test>\r\nX-Spam-Flag: NO\r\n"
            + "X-Spam-Score: -5\r\nX-Mailwright-Scan: rspamd=clean\r\nX-Mailwright-Scan: clamav=clean\r\n\r\nbody\r\n");

        RspamdHook.removeForgedSpamHeaders(mail);
        ScanHeader.removeForged(mail, RspamdHook.FILTER);

        assertThat(header(mail, "X-Spam-Flag")).isEmpty();
        assertThat(header(mail, "X-Spam-Score")).isEmpty();
        assertThat(header(mail, "X-Mailwright-Scan")).containsExactly("clamav=clean");
    }

    @Test
    void badSettingsStopTheServer() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hook("<onFailure>maybe</onFailure>"))
            .hasMessageContaining("<onFailure>");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RspamdHook(new FilterServices(), new RecordingMetricFactory())
            .init(HandlerConfig.of("<rspamdUrl>127.0.0.1:11333</rspamdUrl>"))).hasMessageContaining("<rspamdUrl>");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hook("<submissionAction>drop</submissionAction>"))
            .hasMessageContaining("<submissionAction>");
    }
}
