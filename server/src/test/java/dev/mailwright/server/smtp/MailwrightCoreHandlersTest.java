package dev.mailwright.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.junit.jupiter.api.Test;

class MailwrightCoreHandlersTest {
    @Test
    void jamesCoreHandlersWithOurSizeLimitInPlaceOfJamesOne() {
        var ours = new MailwrightCoreHandlers().getHandlers();
        var james = new CoreCmdHandlerLoader().getHandlers();

        assertThat(ours).hasSameSizeAs(james).contains(SizeLimit.class.getName())
            .doesNotContain(MailSizeEsmtpExtension.class.getName());
        assertThat(ours.indexOf(SizeLimit.class.getName())).isEqualTo(james.indexOf(MailSizeEsmtpExtension.class.getName()));
    }
}
