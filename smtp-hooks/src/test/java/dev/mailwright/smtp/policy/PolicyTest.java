package dev.mailwright.smtp.policy;

import static dev.mailwright.smtp.testing.Messages.header;
import static dev.mailwright.smtp.testing.Messages.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class PolicyTest {
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private final Logger decisions = (Logger) LoggerFactory.getLogger("dev.mailwright.smtp.policy");
    private final FakeSession session = new FakeSession("203.0.113.5").helo("mx \"evil\" name");

    @BeforeEach
    void captureLog() {
        lines.start();
        decisions.addAppender(lines);
    }

    @AfterEach
    void releaseLog() {
        decisions.detachAppender(lines);
        decisions.setLevel(null);
    }

    private Policy policy(String xml) throws Exception {
        Policy policy = new Policy("greylist", metrics);
        policy.configure(new Settings("TestHook", HandlerConfig.of(xml)));
        return policy;
    }

    private static final Verdict DEFER = Verdict.tempFail("451", "4.7.1", "Greylisted, please try again in 300 seconds");

    @Test
    void verdictsBecomeHookResultsThatNeverSkipTheFollowingChecks() {
        assertThat(Verdict.accept().toHookResult()).isEqualTo(HookResult.DECLINED);
        HookResult refusal = Verdict.reject("550", "5.7.1", "no").disconnecting().toHookResult();
        assertThat(refusal.getResult()).isEqualTo(HookReturnCode.disconnected(HookReturnCode.Action.DENY));
        assertThat(refusal.getSmtpRetCode()).isEqualTo("550");
        assertThat(refusal.getSmtpDescription()).isEqualTo("5.7.1 no");
        assertThat(DEFER.toHookResult().getResult()).isEqualTo(HookReturnCode.connected(HookReturnCode.Action.DENYSOFT));
        assertThatThrownBy(() -> Verdict.reject("451", "5.7.1", "inconsistent")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachDecisionIsOneStructuredLineWithTheReply() throws Exception {
        HookResult result = policy("").apply(session, Decision.of(DEFER).sender("a@sender.test").recipient("bob@example.test")
            .result("new").details("network=203.0.113.0/24"));

        assertThat(result.getSmtpRetCode()).isEqualTo("451");
        assertThat(lines.list).singleElement().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.INFO);
            assertThat(line.getFormattedMessage()).isEqualTo("policy=greylist mode=enforce verdict=tempfail result=new "
                + "network=203.0.113.0/24 client=203.0.113.5 helo=mx??evil??name from=<a@sender.test> to=<bob@example.test> "
                + "reply=\"451 4.7.1 Greylisted, please try again in 300 seconds\"");
        });
        assertThat(metrics.countForPrefixName("mailwright_policy_greylist_tempfail")).containsValue(1);
        assertThat(metrics.countForPrefixName("mailwright_policy_greylist_result_new")).containsValue(1);
    }

    @Test
    void everyDecisionIsCountedUnderItsVerdictAndResult() throws Exception {
        Policy report = policy("<mode>report</mode>");
        for (int i = 0; i < 3; i++) {
            report.apply(session, Decision.of(DEFER).result("over-limit"));
        }
        report.apply(session, Decision.of(Verdict.accept()).result("over limit"));
        report.apply(session, Decision.of(Verdict.accept()));

        assertThat(metrics.countForPrefixName("mailwright_policy_greylist_tempfail")).containsValue(3);
        assertThat(metrics.countForPrefixName("mailwright_policy_greylist_not_enforced")).containsValue(3);
        assertThat(metrics.countForPrefixName("mailwright_policy_greylist_accept")).containsValue(2);
        // result tokens are made metric-name safe; tokens that read the same share their counter
        assertThat(metrics.countForPrefixName("mailwright_policy_greylist_result_over_limit")).containsValue(4);
    }

    @Test
    void plainAcceptancesAreDebugLines() throws Exception {
        policy("").apply(session, Decision.of(Verdict.accept()).result("known"));
        assertThat(lines.list).isEmpty();

        decisions.setLevel(Level.DEBUG);
        policy("").apply(session, Decision.of(Verdict.accept()).result("known"));
        assertThat(lines.list).singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.DEBUG);
    }

    @Test
    void reportModeAcceptsLogsWhatItWouldHaveDoneAndWritesItIntoTheMessage() throws Exception {
        Policy report = policy("<mode>report</mode>");

        HookResult result = report.apply(session, Decision.of(DEFER).recipient("bob@example.test").result("new"));
        report.apply(session, Decision.of(Verdict.tempFail("421", "4.7.0", "slow down")).connectionScope());

        assertThat(result).isEqualTo(HookResult.DECLINED);
        assertThat(lines.list.get(0).getFormattedMessage()).startsWith("policy=greylist mode=report verdict=tempfail enforced=no result=new");
        Mail mail = mail("a@sender.test", "bob@example.test",
            "X-Mailwright-Policy: forged\r\nFrom: a@sender.test\r\nSubject: x\r\n\r\nbody\r\n");
        assertThat(new PolicyReportHeaderHook().onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        assertThat(header(mail, PolicyReportHeaderHook.HEADER)).containsExactly(
            "greylist; mode=report; would-reply=\"421 4.7.0 slow down\"",
            "greylist; mode=report; result=new; rcpt=<bob@example.test>; would-reply=\"451 4.7.1 Greylisted, please try again in 300 seconds\"");

        session.resetState();
        Mail next = mail("a@sender.test", "bob@example.test", "From: a@sender.test\r\n\r\nbody\r\n");
        new PolicyReportHeaderHook().onMessage(session, next);
        assertThat(header(next, PolicyReportHeaderHook.HEADER)).as("connection-wide entries stay, transaction ones go")
            .containsExactly("greylist; mode=report; would-reply=\"421 4.7.0 slow down\"");
        assertThat(session.getAttachment(ProtocolSession.AttachmentKey.of("mailwright.policy.reported", ReportedVerdicts.class),
            ProtocolSession.State.Transaction)).isEmpty();
    }

    @Test
    void aPrependedFieldGoesAboveAllOthersWhichKeepTheirOrderAndFolding() throws Exception {
        Mail mail = mail("a@sender.test", "bob@example.test", "Received: from a\r\n\tby b; Sun, 29 Nov 2026 10:00:00 +0000\r\n"
            + "From: a@sender.test\r\nX-Long: one\r\n two\r\nReceived: from c by d\r\nSubject: s\r\n\r\nbody\r\n");
        java.util.List<String> before = java.util.Collections.list(mail.getMessage().getAllHeaderLines());

        HeaderEdit.prepend(mail.getMessage(), "Authentication-Results", "mx.example.test;\r\n\tspf=pass");

        java.util.List<String> after = java.util.Collections.list(mail.getMessage().getAllHeaderLines());
        assertThat(after.get(0)).isEqualTo("Authentication-Results: mx.example.test;\r\n\tspf=pass");
        assertThat(after.subList(1, after.size())).isEqualTo(before);
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        mail.getMessage().writeTo(written);
        assertThat(written.toString(java.nio.charset.StandardCharsets.UTF_8))
            .startsWith("Authentication-Results: mx.example.test;\r\n\tspf=pass\r\nReceived: from a\r\n\tby b;")
            .contains("X-Long: one\r\n two\r\nReceived: from c by d\r\n")
            .endsWith("\r\n\r\nbody\r\n");
    }

    @Test
    void settingsReadDurationsListsAndNetworks() throws Exception {
        Settings settings = new Settings("TestHook", HandlerConfig.of(
            "<delay>5 minutes</delay><plain>90</plain><nets>192.0.2.0/24, 2001:db8::/32</nets><nets>127.0.0.1</nets>"));

        assertThat(settings.duration("delay", null)).hasMinutes(5);
        assertThat(settings.duration("plain", null)).hasSeconds(90);
        NetworkList networks = settings.networks("nets");
        assertThat(networks.contains(java.net.InetAddress.getByName("192.0.2.77"))).isTrue();
        assertThat(networks.contains(java.net.InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(networks.contains(java.net.InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(networks.contains(java.net.InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThatThrownBy(() -> settings.duration("nets", null)).hasMessageStartingWith("TestHook: <nets> ");
    }

    @Test
    void clientNetworksAreSlash24AndSlash64() throws Exception {
        assertThat(NetworkList.networkOf(java.net.InetAddress.getByName("203.0.113.77"), 24, 64)).isEqualTo("203.0.113.0/24");
        assertThat(NetworkList.networkOf(java.net.InetAddress.getByName("2001:db8:1:2:3:4:5:6"), 24, 64)).isEqualTo("2001:db8:1:2::/64");
    }
}
