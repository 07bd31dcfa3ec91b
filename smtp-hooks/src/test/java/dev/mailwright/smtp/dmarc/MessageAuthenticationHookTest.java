package dev.mailwright.smtp.dmarc;

import static dev.mailwright.smtp.testing.Messages.header;
import static dev.mailwright.smtp.testing.Messages.mail;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.dns.FakeDns;
import dev.mailwright.smtp.policy.ReportedVerdicts;
import dev.mailwright.smtp.spf.SpfOutcome;
import dev.mailwright.smtp.spf.SpfResult;
import dev.mailwright.smtp.testing.DkimSigning;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class MessageAuthenticationHookTest {
    private final FakeDns dns = new FakeDns()
        .txt("_dmarc.strict.test", "v=DMARC1; p=reject")
        .txt("_dmarc.careful.test", "v=DMARC1; p=quarantine");
    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private MessageAuthenticationHook hook;
    private FakeSession session;

    @BeforeEach
    void setUp() throws Exception {
        hook = configured("");
        session = new FakeSession("203.0.113.5").helo("mx.sender.test");
    }

    private MessageAuthenticationHook configured(String xml) throws Exception {
        MessageAuthenticationHook configured = new MessageAuthenticationHook(new MessageAuthenticator(dns), metrics);
        configured.init(HandlerConfig.of(xml));
        return configured;
    }

    private static String message(String from) {
        return "From: <" + from + ">\r\nTo: <bob@example.test>\r\nSubject: hello\r\nMessage-ID: <m1@x>\r\n\r\nbody\r\n";
    }

    @Test
    void aMessageFailingAPRejectPolicyIsRefusedAtData() throws Exception {
        new SpfOutcome(SpfResult.PASS, "mailfrom", "elsewhere.test", "").store(session);

        HookResult result = hook.onMessage(session, mail("x@elsewhere.test", "bob@example.test", message("ceo@strict.test")));

        assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription()).startsWith("5.7.1 Message rejected: the DMARC policy of strict.test");
    }

    @Test
    void anAlignedSignatureMakesItPassAndTheResultsAreWrittenIntoTheMessage() throws Exception {
        KeyPair key = DkimSigning.publishKey(dns, "s1", "strict.test", 2048);
        new SpfOutcome(SpfResult.SOFTFAIL, "mailfrom", "strict.test", "").store(session);
        Mail mail = mail("news@strict.test", "bob@example.test",
            DkimSigning.sign(message("ceo@strict.test"), key, "strict.test", "s1", "rsa-sha256"));

        assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);

        assertThat(java.util.Collections.list(mail.getMessage().getAllHeaderLines()).get(0)).as("first field")
            .startsWith("Authentication-Results: mx.example.test;");
        assertThat(mail.getMessage().getHeader("From")).containsExactly("<ceo@strict.test>");
        assertThat(header(mail, "Authentication-Results")).singleElement().asString()
            .startsWith("mx.example.test;\r\n\tspf=softfail smtp.mailfrom=strict.test;\r\n\tdkim=pass header.d=strict.test header.s=s1 header.b=")
            .endsWith(";\r\n\tdmarc=pass (p=reject dis=none) header.from=strict.test");
    }

    @Test
    void forgedResultsNamingThisServerAreRemovedOthersKept() throws Exception {
        Mail mail = mail("a@sender.test", "bob@example.test", "Authentication-Results: mx.example.test; dmarc=pass header.from=bank.test\r\n"
            + "Authentication-Results: (comment) MX.Example.Test; spf=pass\r\n"
            + "Authentication-Results: mx.upstream.test; spf=pass smtp.mailfrom=sender.test\r\n"
            + message("a@sender.test"));

        hook.onMessage(session, mail);

        assertThat(header(mail, "Authentication-Results")).hasSize(2)
            .anySatisfy(value -> assertThat(value).startsWith("mx.upstream.test;"))
            .anySatisfy(value -> assertThat(value).startsWith("mx.example.test;\r\n\tdkim=none;\r\n\tdmarc=none"));
    }

    @Test
    void quarantineIsAcceptedAndMarkedForTheJunkFolder() throws Exception {
        Mail mail = mail("a@sender.test", "bob@example.test", message("a@careful.test"));

        assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);

        assertThat(mail.getAttribute(AttributeName.of(MessageAuthenticationHook.QUARANTINE_ATTRIBUTE)))
            .hasValueSatisfying(attribute -> assertThat(attribute.getValue()).isEqualTo(AttributeValue.of("careful.test")));
        assertThat(header(mail, "Authentication-Results")[0]).contains("dmarc=fail (p=quarantine dis=quarantine) header.from=careful.test");
    }

    @Test
    void ourOwnClientsAreNotEvaluatedButForgedResultsAreStillRemoved() throws Exception {
        session = new FakeSession("127.0.0.1").relayingAllowed();
        Mail mail = mail("root@strict.test", "bob@example.test",
            "Authentication-Results: mx.example.test; dmarc=pass\r\n" + message("ceo@strict.test"));

        assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        assertThat(header(mail, "Authentication-Results")).isEmpty();
        assertThat(dns.questions()).isEmpty();
    }

    @Test
    void reportModeAcceptsTheRejectionAndSaysSoInTheHeaderAndTheReport() throws Exception {
        hook = configured("<mode>report</mode>");
        Mail mail = mail("x@elsewhere.test", "bob@example.test", message("ceo@strict.test"));

        assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);

        assertThat(header(mail, "Authentication-Results")[0]).contains("dmarc=fail (p=reject dis=reject mode=report) header.from=strict.test");
        assertThat(ReportedVerdicts.forMessage(session)).singleElement().asString()
            .startsWith("dmarc; mode=report; result=fail; rcpt=<bob@example.test>; would-reply=\"550 5.7.1 Message rejected");
    }

    @Test
    void aMessageWithoutFromIsAcceptedWithAPermerror() throws Exception {
        Mail mail = mail("a@sender.test", "bob@example.test", "Subject: no author\r\n\r\nbody\r\n");

        assertThat(hook.onMessage(session, mail)).isEqualTo(HookResult.DECLINED);
        assertThat(header(mail, "Authentication-Results")[0]).contains("dmarc=permerror (no usable From address)");
    }
}
