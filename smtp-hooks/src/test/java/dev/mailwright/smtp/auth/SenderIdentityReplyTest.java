package dev.mailwright.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;
import org.junit.jupiter.api.Test;

import dev.mailwright.smtp.testing.FakeSession;

class SenderIdentityReplyTest {
    private final SenderIdentityReply reply = new SenderIdentityReply();
    private final SenderAuthIdentifyVerificationHook identity = mock(SenderAuthIdentifyVerificationHook.class);
    /** What James 3.8.1's identity check answers. */
    private final HookResult james503 = HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("503")
        .smtpDescription("5.7.1 Incorrect Authentication for Specified Email Address").build();

    @Test
    void aSenderThatIsNotTheUsersIsRefusedWith553AsPostfixDoes() throws Exception {
        FakeSession session = new FakeSession("192.0.2.7").authenticatedAs("alice@example.test");
        reply.doMail(session, MaybeSender.of(new MailAddress("bob@example.test")));

        HookResult rewritten = reply.onHookResult(session, james503, 1, identity);

        assertThat(rewritten.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(rewritten.getSmtpRetCode()).isEqualTo("553");
        assertThat(rewritten.getSmtpDescription())
            .isEqualTo("5.7.1 <bob@example.test>: Sender address rejected: not owned by user alice@example.test");
    }

    @Test
    void otherResultsAndOtherHooksAreLeftAlone() {
        FakeSession session = new FakeSession("192.0.2.7").authenticatedAs("alice@example.test");
        HookResult authRequired = HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("530")
            .smtpDescription("5.7.1 Authentication Required").build();

        assertThat(reply.onHookResult(session, HookResult.DECLINED, 1, identity)).isSameAs(HookResult.DECLINED);
        assertThat(reply.onHookResult(session, authRequired, 1, identity)).isSameAs(authRequired);
        assertThat(reply.onHookResult(session, james503, 1, mock(MailHook.class))).isSameAs(james503);
    }
}
