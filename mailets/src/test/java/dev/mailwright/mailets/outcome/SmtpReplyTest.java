package dev.mailwright.mailets.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SmtpReplyTest {

    @Test
    void theStatusIsTheServersEnhancedCodeWhenItAgreesWithTheReplyClass() {
        assertThat(new SmtpReply(550, List.of("5.1.1 <x@y>: unknown")).status()).isEqualTo("5.1.1");
        assertThat(new SmtpReply(451, List.of("4.7.1 greylisted")).status()).isEqualTo("4.7.1");
        assertThat(new SmtpReply(550, List.of("4.7.1 confused server")).status()).isEqualTo("5.0.0");
        assertThat(new SmtpReply(554, List.of("no enhanced code here")).status()).isEqualTo("5.0.0");
        assertThat(new SmtpReply(421, List.of("closing")).status()).isEqualTo("4.0.0");
        assertThat(new SmtpReply(556, List.of("5.1.10 null MX")).status()).isEqualTo("5.1.10");
    }

    @Test
    void aMultiLineReplyBecomesOneLine() {
        SmtpReply reply = new SmtpReply(550, List.of("5.7.1 first line", "5.7.1 second\tline"));
        assertThat(reply.oneLine()).isEqualTo("550 5.7.1 first line 5.7.1 second line");
        assertThat(reply.isPermanent()).isTrue();
        assertThat(reply.ours()).isFalse();
        assertThat(SmtpReply.local(451, "4.4.1", "connect failed").ours()).isTrue();
    }
}
