package dev.mailwright.smtp.spoof;

import static dev.mailwright.smtp.testing.Messages.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.security.KeyPair;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.dns.FakeDns;
import dev.mailwright.smtp.dmarc.MessageAuthenticator;
import dev.mailwright.smtp.spf.SpfOutcome;
import dev.mailwright.smtp.spf.SpfResult;
import dev.mailwright.smtp.testing.DkimSigning;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class LocalSenderSpoofingHookTest {
    private final FakeDns dns = new FakeDns();
    private final DomainList domains = mock(DomainList.class);
    private LocalSenderSpoofingHook hook;
    private FakeSession session;

    @BeforeEach
    void setUp() throws Exception {
        when(domains.containsDomain(any())).thenAnswer(call -> ((Domain) call.getArgument(0)).asString().equals("example.test"));
        hook = configured("");
        session = new FakeSession("203.0.113.5").helo("mx.outside.test");
    }

    private LocalSenderSpoofingHook configured(String xml) throws Exception {
        LocalSenderSpoofingHook configured = new LocalSenderSpoofingHook(domains, new MessageAuthenticator(dns), new RecordingMetricFactory());
        configured.init(HandlerConfig.of(xml));
        return configured;
    }

    private static String message(String from) {
        return "From: <" + from + ">\r\nTo: <bob@example.test>\r\nSubject: hi\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n";
    }

    @Test
    void ourDomainInTheFromHeaderFromOutsideIsRefused() throws Exception {
        HookResult result = hook.onMessage(session, mail("x@outside.test", "bob@example.test", message("ceo@example.test")));

        assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription()).isEqualTo("5.7.1 Message rejected: its From address is in our domain example.test "
            + "but it is not authenticated for it; our users send through submission with AUTH");
    }

    @Test
    void ourDomainAsEnvelopeSenderFromOutsideIsRefused() throws Exception {
        HookResult result = hook.onMessage(session, mail("ceo@example.test", "bob@example.test", message("x@outside.test")));

        assertThat(result.getSmtpDescription()).startsWith("5.7.1 Message rejected: its envelope sender is in our domain example.test");
    }

    @Test
    void anAlignedSpfPassOrDkimSignatureIsEnough() throws Exception {
        new SpfOutcome(SpfResult.PASS, "mailfrom", "example.test", "").store(session);
        assertThat(hook.onMessage(session, mail("list@example.test", "bob@example.test", message("ceo@example.test"))))
            .isEqualTo(HookResult.DECLINED);

        FakeSession forwarded = new FakeSession("198.51.100.7").helo("forwarder.test");
        KeyPair key = DkimSigning.publishKey(dns, "s1", "example.test", 1024);
        String signed = DkimSigning.sign(message("ceo@example.test"), key, "example.test", "s1", "rsa-sha256");
        assertThat(hook.onMessage(forwarded, mail("bounces@forwarder.test", "bob@example.test", signed))).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void otherDomainsAndOurOwnClientsAreNotConcerned() throws Exception {
        assertThat(hook.onMessage(session, mail("x@outside.test", "bob@example.test", message("y@outside.test")))).isEqualTo(HookResult.DECLINED);

        FakeSession alice = new FakeSession("203.0.113.9").authenticatedAs("alice@example.test");
        assertThat(hook.onMessage(alice, mail("alice@example.test", "bob@example.test", message("alice@example.test"))))
            .isEqualTo(HookResult.DECLINED);
        assertThat(dns.questions()).isEmpty();
    }

    @Test
    void reportModeLetsTheForgeryThrough() throws Exception {
        hook = configured("<mode>report</mode>");

        assertThat(hook.onMessage(session, mail("x@outside.test", "bob@example.test", message("ceo@example.test"))))
            .isEqualTo(HookResult.DECLINED);
    }
}
