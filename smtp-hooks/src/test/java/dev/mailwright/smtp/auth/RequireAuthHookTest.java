package dev.mailwright.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;

import dev.mailwright.smtp.testing.FakeSession;

class RequireAuthHookTest {
    private final RequireAuthHook hook = new RequireAuthHook();

    @Test
    void refusesATransactionWithoutAuthentication() throws Exception {
        HookResult result = hook.doMail(new FakeSession("192.0.2.1").tls(true), MaybeSender.of(new MailAddress("a@example.test")));

        assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(result.getSmtpRetCode()).isEqualTo("530");
        assertThat(result.getSmtpDescription()).isEqualTo("5.7.0 Authentication required");
    }

    @Test
    void letsAuthenticatedUsersThroughToTheOtherChecks() throws Exception {
        HookResult result = hook.doMail(new FakeSession("192.0.2.1").tls(true).authenticatedAs("a@example.test"),
            MaybeSender.of(new MailAddress("a@example.test")));

        assertThat(result).isEqualTo(HookResult.DECLINED);
    }
}
