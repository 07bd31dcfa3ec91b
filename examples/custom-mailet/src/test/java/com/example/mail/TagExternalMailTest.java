package com.example.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class TagExternalMailTest {
    static TagExternalMail mailet(String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("TagExternalMail");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        TagExternalMail mailet = new TagExternalMail();
        mailet.init(config.build());
        return mailet;
    }

    static FakeMail mail(String subject) throws MessagingException {
        return FakeMail.builder().name("m").sender("someone@other.example").recipient("bob@localhost")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject(subject).setText("hello")).build();
    }

    @Test
    void addsTheHeaderAndPrefixesTheSubject() throws Exception {
        FakeMail mail = mail("Invoice");

        mailet().service(mail);

        MimeMessage message = mail.getMessage();
        assertThat(message.getHeader("X-External-Sender")).containsExactly("someone@other.example");
        assertThat(message.getSubject()).isEqualTo("[EXTERNAL] Invoice");
    }

    @Test
    void prefixesOnlyOnce() throws Exception {
        FakeMail mail = mail("[EXTERNAL] Invoice");

        mailet().service(mail);

        assertThat(mail.getMessage().getSubject()).isEqualTo("[EXTERNAL] Invoice");
    }

    @Test
    void prefixAndHeaderAreConfigurable() throws Exception {
        FakeMail mail = mail("Invoice");

        mailet("subjectPrefix", "", "header", "X-Outside").service(mail);

        assertThat(mail.getMessage().getSubject()).isEqualTo("Invoice");
        assertThat(mail.getMessage().getHeader("X-Outside")).containsExactly("someone@other.example");
    }

    @Test
    void aHeaderNameWithAColonIsRefusedAtStart() {
        assertThatThrownBy(() -> mailet("header", "X-Bad: yes"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("is not a header field name");
    }
}
