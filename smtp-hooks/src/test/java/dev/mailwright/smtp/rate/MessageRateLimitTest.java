package dev.mailwright.smtp.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.testing.TestClock;
import dev.mailwright.smtp.policy.LocalCounters;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class MessageRateLimitTest {
    private final TestClock clock = new TestClock();
    private final LocalCounters counters = new LocalCounters(clock);
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();

    private MessageRateLimit configured(String xml) throws Exception {
        MessageRateLimit hook = new MessageRateLimit(counters, metrics);
        hook.init(HandlerConfig.of(xml));
        return hook;
    }

    private static HookResult mail(MessageRateLimit hook, FakeSession session, String sender) throws Exception {
        return hook.doMail(session, MaybeSender.of(new MailAddress(sender)));
    }

    @Test
    void theEleventhMessageOverALimitOfTenIsDeferredUntilTheWindowEnds() throws Exception {
        MessageRateLimit hook = configured("<messagesPerClient>10/1m</messagesPerClient>");
        FakeSession session = new FakeSession("203.0.113.5");
        for (int i = 0; i < 10; i++) {
            assertThat(mail(hook, session, "a" + i + "@sender.test")).isEqualTo(HookResult.DECLINED);
        }
        clock.advance(Duration.ofSeconds(15));

        HookResult eleventh = mail(hook, session, "a@sender.test");

        assertThat(eleventh.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENYSOFT);
        assertThat(eleventh.getSmtpRetCode()).isEqualTo("451");
        assertThat(eleventh.getSmtpDescription())
            .isEqualTo("4.7.1 Too many messages from 203.0.113.5 (limit 10 per 1 minute), try again in 45 seconds");
        assertThat(mail(hook, new FakeSession("203.0.113.6"), "a@sender.test")).as("another client").isEqualTo(HookResult.DECLINED);

        clock.advance(Duration.ofSeconds(45));
        assertThat(mail(hook, session, "a@sender.test")).as("next window").isEqualTo(HookResult.DECLINED);
    }

    @Test
    void ipv6ClientsAreCountedPerSlash64() throws Exception {
        MessageRateLimit hook = configured("<messagesPerClient>1/1h</messagesPerClient>");
        mail(hook, new FakeSession("2001:db8:1:2::10"), "a@sender.test");

        assertThat(mail(hook, new FakeSession("2001:db8:1:2::99"), "a@sender.test").getSmtpDescription())
            .startsWith("4.7.1 Too many messages from 2001:db8:1:2::/64 ");
    }

    @Test
    void sendersAndUsersHaveTheirOwnLimits() throws Exception {
        MessageRateLimit hook = configured("<messagesPerSender>2/1h</messagesPerSender><messagesPerUser>1/1h</messagesPerUser>"
            + "<recipientsPerUser>3/1h</recipientsPerUser>");
        mail(hook, new FakeSession("203.0.113.5"), "news@sender.test");
        mail(hook, new FakeSession("203.0.113.6"), "news@sender.test");
        assertThat(mail(hook, new FakeSession("203.0.113.7"), "news@sender.test").getSmtpDescription())
            .startsWith("4.7.1 Too many messages from sender news@sender.test (limit 2 per 1 hour)");
        assertThat(hook.doMail(new FakeSession("203.0.113.7"), MaybeSender.nullSender())).as("bounces are not limited per sender")
            .isEqualTo(HookResult.DECLINED);

        FakeSession alice = new FakeSession("192.0.2.1").authenticatedAs("alice@example.test");
        assertThat(mail(hook, alice, "alice@example.test")).isEqualTo(HookResult.DECLINED);
        assertThat(mail(hook, alice, "alice@example.test").getSmtpDescription())
            .startsWith("4.7.1 Too many messages from user alice@example.test");

        MessageRateLimit recipients = configured("<recipientsPerUser>3/1h</recipientsPerUser>");
        FakeSession bob = new FakeSession("192.0.2.2").authenticatedAs("bob@example.test");
        for (int i = 0; i < 3; i++) {
            assertThat(recipients.doRcpt(bob, MaybeSender.of(new MailAddress("bob@example.test")), new MailAddress("r" + i + "@x.test")))
                .isEqualTo(HookResult.DECLINED);
        }
        assertThat(recipients.doRcpt(bob, MaybeSender.of(new MailAddress("bob@example.test")), new MailAddress("r4@x.test"))
            .getSmtpDescription()).startsWith("4.7.1 Too many recipients from user bob@example.test (limit 3 per 1 hour)");
    }

    @Test
    void exemptNetworksAndUsersAreNeverLimited() throws Exception {
        MessageRateLimit hook = configured("<messagesPerClient>1/1h</messagesPerClient><messagesPerUser>1/1h</messagesPerUser>"
            + "<exemptNetworks>127.0.0.1/32, ::1</exemptNetworks><exemptUsers>newsletter@example.test</exemptUsers>");
        for (int i = 0; i < 3; i++) {
            assertThat(mail(hook, new FakeSession("127.0.0.1"), "a@x.test")).isEqualTo(HookResult.DECLINED);
            assertThat(mail(hook, new FakeSession("192.0.2.50").authenticatedAs("newsletter@example.test"), "newsletter@example.test"))
                .isEqualTo(HookResult.DECLINED);
        }
    }

    @Test
    void reportModeCountsButLetsEverythingThrough() throws Exception {
        MessageRateLimit hook = configured("<mode>report</mode><messagesPerClient>1/1h</messagesPerClient>");
        FakeSession session = new FakeSession("203.0.113.5");
        mail(hook, session, "a@sender.test");

        assertThat(mail(hook, session, "a@sender.test")).isEqualTo(HookResult.DECLINED);
        assertThat(metrics.countForPrefixName("mailwright_policy_rate_messages_not_enforced")).containsValue(1);
    }

    @Test
    void badLimitsStopTheServer() {
        assertThatThrownBy(() -> configured("<messagesPerClient>ten per minute</messagesPerClient>"))
            .hasMessage("MessageRateLimit: <messagesPerClient> 'ten per minute' is not a limit such as 100/1h or 10/10 minutes");
        assertThatThrownBy(() -> configured("<exemptNetworks>10.0.0.0/33</exemptNetworks>"))
            .hasMessageContaining("'10.0.0.0/33' has an invalid prefix length");
    }
}
