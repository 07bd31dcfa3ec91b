package dev.mailwright.smtp.greylist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.store.InMemoryStateStore;
import dev.mailwright.common.store.StateStore;
import dev.mailwright.common.testing.TestClock;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class GreylistHookTest {
    private final TestClock clock = new TestClock();
    private final InMemoryStateStore store = new InMemoryStateStore(clock);
    private final DomainList domains = mock(DomainList.class);
    private GreylistHook hook;

    @BeforeEach
    void setUp() throws Exception {
        when(domains.containsDomain(any())).thenAnswer(call -> ((Domain) call.getArgument(0)).asString().equals("example.test"));
        hook = configured("<delay>5 minutes</delay><retryWindow>2 days</retryWindow><autoWhitelistAfter>2</autoWhitelistAfter>"
            + "<exemptNetworks>198.51.100.0/24</exemptNetworks><exemptSenderDomains>bigmail.test</exemptSenderDomains>");
    }

    private GreylistHook configured(String xml) throws Exception {
        return configured(xml, store);
    }

    private GreylistHook configured(String xml, StateStore state) throws Exception {
        GreylistHook configured = new GreylistHook(state, domains, new RecordingMetricFactory(), clock);
        configured.init(HandlerConfig.of(xml));
        return configured;
    }

    private HookResult rcpt(String ip, String sender, String recipient) throws Exception {
        return hook.doRcpt(new FakeSession(ip), MaybeSender.of(new MailAddress(sender)), new MailAddress(recipient));
    }

    @Test
    void theFirstAttemptIsGreylistedForTheDelay() throws Exception {
        HookResult first = rcpt("203.0.113.5", "a@sender.test", "bob@example.test");

        assertThat(first.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENYSOFT);
        assertThat(first.getSmtpRetCode()).isEqualTo("451");
        assertThat(first.getSmtpDescription()).isEqualTo("4.7.1 Greylisted, please try again in 300 seconds");

        clock.advance(Duration.ofSeconds(100));
        assertThat(rcpt("203.0.113.5", "a@sender.test", "bob@example.test").getSmtpDescription())
            .as("too early").isEqualTo("4.7.1 Greylisted, please try again in 200 seconds");
    }

    @Test
    void aRetryAfterTheDelayIsAcceptedFromAnyAddressOfTheSameNetworkAndThenKnown() throws Exception {
        rcpt("203.0.113.5", "a@sender.test", "bob@example.test");
        clock.advance(Duration.ofMinutes(6));

        assertThat(rcpt("203.0.113.77", "a@sender.test", "bob@example.test")).isEqualTo(HookResult.DECLINED);
        clock.advance(Duration.ofDays(20));
        assertThat(rcpt("203.0.113.5", "a@sender.test", "bob@example.test")).as("known triplet").isEqualTo(HookResult.DECLINED);
    }

    @Test
    void eachTripletIsGreylistedOnItsOwn() throws Exception {
        rcpt("203.0.113.5", "a@sender.test", "bob@example.test");
        clock.advance(Duration.ofMinutes(6));
        rcpt("203.0.113.5", "a@sender.test", "bob@example.test");

        assertThat(rcpt("203.0.113.5", "a@sender.test", "carol@example.test").getSmtpRetCode()).isEqualTo("451");
        assertThat(rcpt("203.0.113.5", "other@sender.test", "bob@example.test").getSmtpRetCode()).isEqualTo("451");
        assertThat(rcpt("192.0.2.5", "a@sender.test", "bob@example.test").getSmtpRetCode()).isEqualTo("451");
    }

    @Test
    void aRetryAfterTheWindowStartsAgain() throws Exception {
        rcpt("203.0.113.5", "a@sender.test", "bob@example.test");
        clock.advance(Duration.ofDays(3));

        assertThat(rcpt("203.0.113.5", "a@sender.test", "bob@example.test").getSmtpRetCode()).isEqualTo("451");
    }

    @Test
    void aNetworkThatRetriedCorrectlyEnoughIsWhitelisted() throws Exception {
        for (String sender : new String[] {"a@sender.test", "b@sender.test"}) {
            rcpt("203.0.113.5", sender, "bob@example.test");
        }
        clock.advance(Duration.ofMinutes(6));
        for (String sender : new String[] {"a@sender.test", "b@sender.test"}) {
            assertThat(rcpt("203.0.113.5", sender, "bob@example.test")).isEqualTo(HookResult.DECLINED);
        }

        assertThat(rcpt("203.0.113.200", "new@sender.test", "dave@example.test")).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void exemptionsOurClientsAndForeignRecipientsAreNotGreylisted() throws Exception {
        assertThat(rcpt("198.51.100.3", "a@sender.test", "bob@example.test")).isEqualTo(HookResult.DECLINED);
        assertThat(rcpt("203.0.113.5", "a@mx.bigmail.test", "bob@example.test")).isEqualTo(HookResult.DECLINED);
        assertThat(rcpt("203.0.113.5", "a@sender.test", "x@elsewhere.test")).isEqualTo(HookResult.DECLINED);
        assertThat(hook.doRcpt(new FakeSession("203.0.113.5").authenticatedAs("alice@example.test"),
            MaybeSender.of(new MailAddress("alice@example.test")), new MailAddress("bob@example.test"))).isEqualTo(HookResult.DECLINED);
        assertThat(store.scan(GreylistHook.NAMESPACE, "", 10)).isEmpty();
    }

    @Test
    void whenTheStoreFailsMailIsAccepted() throws Exception {
        StateStore broken = mock(StateStore.class);
        when(broken.get(any(), any())).thenThrow(new IllegalStateException("database down"));
        hook = configured("", broken);

        assertThat(rcpt("203.0.113.5", "a@sender.test", "bob@example.test")).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void reportModeNeverDefers() throws Exception {
        hook = configured("<mode>report</mode>");

        assertThat(rcpt("203.0.113.5", "a@sender.test", "bob@example.test")).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void aRetryWindowShorterThanTheDelayIsAConfigurationError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> configured("<delay>1h</delay><retryWindow>30m</retryWindow>"))
            .hasMessageContaining("GreylistHook: <retryWindow>");
    }
}
