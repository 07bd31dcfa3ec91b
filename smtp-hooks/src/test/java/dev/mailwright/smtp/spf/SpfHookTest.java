package dev.mailwright.smtp.spf;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.dns.FakeDns;
import dev.mailwright.smtp.policy.ReportedVerdicts;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class SpfHookTest {
    private static final String CLIENT = "192.0.2.10";

    private final FakeDns dns = new FakeDns();
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private SpfHook hook;
    private FakeSession session;

    @BeforeEach
    void setUp() throws Exception {
        dns.txt("allowed.test", "v=spf1 ip4:192.0.2.0/24 -all")
            .txt("forbidden.test", "v=spf1 ip4:198.51.100.1 -all")
            .txt("soft.test", "v=spf1 ~all")
            .txt("neutral.test", "v=spf1 ?all")
            .txt("broken.test", "v=spf1 ip4:not-an-address -all")
            .txt("explained.test", "v=spf1 -all exp=why.explained.test")
            .txt("why.explained.test", "Mail from %{d} only leaves through our own servers")
            .txt("included.test", "v=spf1 include:allowed.test -all")
            .txt("redirected.test", "v=spf1 redirect=allowed.test")
            .txt("macro.test", "v=spf1 exists:%{i}._spf.macro.test -all")
            .a("192.0.2.10._spf.macro.test", "127.0.0.2")
            .txt("mx.client.test", "v=spf1 a -all")
            .a("mx.client.test", CLIENT)
            .failing("dnsdown.test");
        hook = configured("<mode>enforce</mode>");
        session = new FakeSession(CLIENT).helo("mx.client.test");
    }

    private SpfHook configured(String xml) throws Exception {
        SpfHook configured = new SpfHook(dns, metrics);
        configured.init(HandlerConfig.of(xml));
        return configured;
    }

    private HookResult mailFrom(String sender) throws Exception {
        return hook.doMail(session, sender.isEmpty() ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(sender)));
    }

    @Test
    void passIsAcceptedAndKeptForDmarc() throws Exception {
        assertThat(mailFrom("a@allowed.test")).isEqualTo(HookResult.DECLINED);
        assertThat(SpfOutcome.of(session)).hasValue(new SpfOutcome(SpfResult.PASS, "mailfrom", "allowed.test", ""));
        assertThat(metrics.countForPrefixName("mailwright_policy_spf_result_pass")).containsValue(1);
    }

    @Test
    void onlyTxtRecordsAreAskedFor() throws Exception {
        mailFrom("a@allowed.test");

        assertThat(dns.questions()).containsExactly("allowed.test TXT");
    }

    @Test
    void failIsRefusedWith550AndRfc7372Code() throws Exception {
        HookResult result = mailFrom("a@forbidden.test");

        assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription())
            .isEqualTo("5.7.23 SPF check failed: forbidden.test does not designate 192.0.2.10 as permitted sender");
        assertThat(metrics.countForPrefixName("mailwright_policy_spf_reject")).containsValue(1);
    }

    @Test
    void theDomainsOwnExplanationIsQuotedInTheRefusal() throws Exception {
        assertThat(mailFrom("a@explained.test").getSmtpDescription())
            .endsWith("(Mail from explained.test only leaves through our own servers)");
    }

    @Test
    void temporaryDnsFailureIsA451() throws Exception {
        HookResult result = mailFrom("a@dnsdown.test");

        assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENYSOFT);
        assertThat(result.getSmtpRetCode()).isEqualTo("451");
        assertThat(result.getSmtpDescription()).startsWith("4.7.24 Temporary SPF validation error for dnsdown.test");
    }

    @Test
    void softfailNeutralAndNoneAreAcceptedAndRecorded() throws Exception {
        assertThat(mailFrom("a@soft.test")).isEqualTo(HookResult.DECLINED);
        assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.SOFTFAIL);
        assertThat(mailFrom("a@neutral.test")).isEqualTo(HookResult.DECLINED);
        assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.NEUTRAL);
        assertThat(mailFrom("a@nospf.test")).isEqualTo(HookResult.DECLINED);
        assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.NONE);
    }

    @Test
    void includeRedirectAndMacrosAreFollowed() throws Exception {
        mailFrom("a@included.test");
        assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.PASS);
        mailFrom("a@redirected.test");
        assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.PASS);
        mailFrom("a@macro.test");
        assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void recordsParsedOnceGiveTheSameResultsEveryTime() throws Exception {
        // the parsed records are remembered (SpfRecordCache); jSPF's policies must not pile up on them
        for (int i = 0; i < 3; i++) {
            mailFrom("a@included.test");
            assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.PASS);
            mailFrom("a@neutral.test");
            assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.NEUTRAL);
            assertThat(mailFrom("a@explained.test").getSmtpDescription())
                .endsWith("designate 192.0.2.10 as permitted sender (Mail from explained.test only leaves through our own servers)");
            assertThat(mailFrom("a@forbidden.test").getSmtpRetCode()).isEqualTo("550");
        }
        session = new FakeSession("198.51.100.1").helo("mx.client.test");
        assertThat(mailFrom("a@forbidden.test")).isEqualTo(HookResult.DECLINED);
        assertThat(mailFrom("a@allowed.test").getSmtpRetCode()).isEqualTo("550");
    }

    @Test
    void moreThanTenLookupsIsAPermanentError() throws Exception {
        StringBuilder record = new StringBuilder("v=spf1");
        for (int i = 0; i < 11; i++) {
            record.append(" include:l").append(i).append(".loop.test");
            dns.txt("l" + i + ".loop.test", "v=spf1 -all");
        }
        dns.txt("loop.test", record + " ip4:192.0.2.10 -all");

        assertThat(mailFrom("a@loop.test")).isEqualTo(HookResult.DECLINED);
        assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.PERMERROR);
    }

    @Test
    void permanentErrorIsAcceptedUnlessConfiguredOtherwise() throws Exception {
        assertThat(mailFrom("a@broken.test")).isEqualTo(HookResult.DECLINED);
        assertThat(SpfOutcome.of(session).orElseThrow().result()).isEqualTo(SpfResult.PERMERROR);

        hook = configured("<rejectPermError>true</rejectPermError>");
        HookResult result = mailFrom("a@broken.test");
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription()).startsWith("5.7.24 ");
    }

    @Test
    void aNullSenderIsCheckedForItsHeloName() throws Exception {
        assertThat(mailFrom("")).isEqualTo(HookResult.DECLINED);
        assertThat(SpfOutcome.of(session)).hasValue(new SpfOutcome(SpfResult.PASS, "helo", "mx.client.test", ""));
    }

    @Test
    void ourOwnClientsAreNotChecked() throws Exception {
        session = new FakeSession(CLIENT).helo("laptop").authenticatedAs("alice@example.test");
        assertThat(mailFrom("a@forbidden.test")).isEqualTo(HookResult.DECLINED);

        session = new FakeSession(CLIENT).helo("localhost").relayingAllowed();
        assertThat(mailFrom("a@forbidden.test")).isEqualTo(HookResult.DECLINED);
        assertThat(SpfOutcome.of(session)).isEmpty();
        assertThat(dns.questions()).isEmpty();
    }

    @Test
    void reportModeAcceptsAndRemembersWhatItWouldHaveReplied() throws Exception {
        hook = configured("<mode>report</mode>");

        assertThat(mailFrom("a@forbidden.test")).isEqualTo(HookResult.DECLINED);
        assertThat(ReportedVerdicts.forMessage(session)).singleElement().asString()
            .isEqualTo("spf; mode=report; result=fail; would-reply=\"550 5.7.23 SPF check failed: forbidden.test "
                + "does not designate 192.0.2.10 as permitted sender\"");
        assertThat(metrics.countForPrefixName("mailwright_policy_spf_not_enforced")).containsValue(1);
    }

    @Test
    void anUnknownModeStopsTheServerWithAPreciseMessage() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> configured("<mode>observe</mode>"))
            .hasMessage("SpfHook: <mode> mode must be 'enforce' or 'report', not 'observe'");
    }
}
