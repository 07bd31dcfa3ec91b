package com.example.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExternalSenderTest {
    ExternalSender matcher = new ExternalSender();

    @BeforeEach
    void setUp() throws Exception {
        // FakeMailContext: "localhost" is the only local domain
        matcher.init(FakeMatcherConfig.builder().matcherName("ExternalSender").mailetContext(FakeMailContext.defaultContext()).build());
    }

    @Test
    void mailFromAnotherOrganizationMatchesForAllRecipients() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").sender("someone@other.example")
            .recipients("bob@localhost", "carol@localhost").build();

        assertThat(matcher.match(mail)).containsExactly(new MailAddress("bob@localhost"), new MailAddress("carol@localhost"));
    }

    @Test
    void mailFromALocalSenderDoesNotMatch() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").sender("alice@localhost").recipient("bob@localhost").build();

        assertThat(matcher.match(mail)).isEmpty();
    }

    @Test
    void bouncesWithANullSenderDoNotMatch() throws Exception {
        FakeMail mail = FakeMail.builder().name("m").recipient("bob@localhost").build();

        assertThat(matcher.match(mail)).isEmpty();
    }
}
