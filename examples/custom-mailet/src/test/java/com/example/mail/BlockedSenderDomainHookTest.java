package com.example.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.utils.BaseFakeSMTPSession;
import org.junit.jupiter.api.Test;

class BlockedSenderDomainHookTest {
    static BlockedSenderDomainHook hook(String blockedDomains) throws ConfigurationException {
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("blockedDomains", blockedDomains);
        BlockedSenderDomainHook hook = new BlockedSenderDomainHook();
        hook.init(configuration);
        return hook;
    }

    @Test
    void aBlockedDomainIsRefusedWithAnEnhancedStatusCode() throws Exception {
        HookResult result = hook("spam.example, Phish.Example").doMail(new BaseFakeSMTPSession(),
            MaybeSender.of(new MailAddress("boss@phish.example")));

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("550");
        assertThat(result.getSmtpDescription()).isEqualTo("5.7.1 Mail from phish.example is refused by policy");
    }

    @Test
    void otherSendersAndTheNullSenderPass() throws Exception {
        BlockedSenderDomainHook hook = hook("spam.example");

        assertThat(hook.doMail(new BaseFakeSMTPSession(), MaybeSender.of(new MailAddress("a@good.example")))).isEqualTo(HookResult.DECLINED);
        assertThat(hook.doMail(new BaseFakeSMTPSession(), MaybeSender.nullSender())).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void anEmptyListIsAConfigurationError() {
        assertThatThrownBy(() -> hook(" "))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("BlockedSenderDomainHook needs <blockedDomains>");
    }
}
