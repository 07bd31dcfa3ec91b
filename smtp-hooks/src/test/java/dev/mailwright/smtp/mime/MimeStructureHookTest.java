package dev.mailwright.smtp.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.smtp.MailEnvelopeImpl;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

import dev.mailwright.smtp.testing.FakeSession;

class MimeStructureHookTest {
    private static MailEnvelopeImpl envelope(String message) throws Exception {
        MailEnvelopeImpl envelope = new MailEnvelopeImpl();
        try (OutputStream out = envelope.getMessageOutputStream()) {
            out.write(message.getBytes(StandardCharsets.US_ASCII));
        }
        return envelope;
    }

    @Test
    void refusesADeeplyNestedMessageWith554() throws Exception {
        HookResult result = new MimeStructureHook().onMessage(new FakeSession("192.0.2.1"), envelope(MimeStructureTest.nested(3000)));

        assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(result.getSmtpRetCode()).isEqualTo("554");
        assertThat(result.getSmtpDescription()).isEqualTo("5.6.0 Message structure too complex: MIME nesting deeper than 100 levels");
    }

    @Test
    void declinesAnOrdinaryMessage() throws Exception {
        assertThat(new MimeStructureHook().onMessage(new FakeSession("192.0.2.1"), envelope(MimeStructureTest.nested(5))))
            .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void limitsAreConfigurable() throws Exception {
        MimeStructureHook hook = new MimeStructureHook();
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("maxNestingDepth", 4);
        hook.init(configuration);

        assertThat(hook.onMessage(new FakeSession("192.0.2.1"), envelope(MimeStructureTest.nested(5))).getSmtpRetCode()).isEqualTo("554");
    }

    @Test
    void refusesNonsenseLimits() {
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("maxParts", 0);

        assertThatThrownBy(() -> new MimeStructureHook().init(configuration)).isInstanceOf(ConfigurationException.class);
    }
}
