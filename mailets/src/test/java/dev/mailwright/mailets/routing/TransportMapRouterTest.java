package dev.mailwright.mailets.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

import dev.mailwright.common.store.InMemoryStateStore;

class TransportMapRouterTest {
    FakeMailContext context = spy(FakeMailContext.defaultContext());
    MailRepository hold = mock(MailRepository.class);
    HoldRepositories holdRepositories = new HoldRepositories(new InMemoryStateStore());
    TransportMapRouter router;

    @BeforeEach
    void setUp(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("transport.xml"), """
            <transport>
                <route domain="partner.test" to="smtp:[relay.partner.test]:587" tls="require"/>
                <route domain="held.test" to="hold"/>
                <route domain="blocked.test" to="reject" reply="550 5.7.1 No mail to blocked.test"/>
                <route domain="here.test" to="local"/>
            </transport>
            """);
        doAnswer(call -> call.<MailAddress>getArgument(0).asString().equals("known@here.test"))
            .when(context).isLocalEmail(any(MailAddress.class));
        MailRepositoryStore repositories = mock(MailRepositoryStore.class);
        when(repositories.select(any())).thenReturn(hold);
        router = new TransportMapRouter(repositories, holdRepositories);
        router.init(FakeMailetConfig.builder().mailetName("router").mailetContext(context)
            .setProperty("transportMap", file.toString())
            .setProperty("holdRepository", "memory://var/mail/hold/")
            .setProperty("reportingMta", "mail.example.test").build());
    }

    @Test
    void aMailWhoseRecipientsShareARouteMovesOnItselfWithTheRoute() throws Exception {
        Mail mail = mail("a@partner.test", "b@partner.test");
        router.service(mail);

        assertThat(mail.getState()).isEqualTo("outbound");
        assertThat(RouteAttribute.of(mail).asText()).isEqualTo("smtp:[relay.partner.test]:587 tls=require");
        assertThat(context.getSentMails()).isEmpty();
        assertThat(holdRepositories.urls()).containsExactly("memory://var/mail/hold/");
    }

    @Test
    void recipientsOnDifferentRoutesAreSplit() throws Exception {
        Mail mail = mail("a@partner.test", "b@gmail.test", "c@held.test", "d@blocked.test", "e@gmail.test");
        router.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(context.getSentMails()).hasSize(3);
        assertThat(context.getSentMails().get(0).getRecipients()).containsExactly(new MailAddress("a@partner.test"));
        assertThat(context.getSentMails().get(0).getState()).isEqualTo("outbound");
        assertThat(context.getSentMails().get(1).getRecipients())
            .containsExactly(new MailAddress("b@gmail.test"), new MailAddress("e@gmail.test"));
        assertThat(context.getSentMails().get(1).getState()).isEqualTo("outbound");

        ArgumentCaptor<Mail> held = ArgumentCaptor.forClass(Mail.class);
        verify(hold).store(held.capture());
        assertThat(held.getValue().getRecipients()).containsExactly(new MailAddress("c@held.test"));

        FakeMailContext.SentMail dsn = context.getSentMails().get(2);
        assertThat(dsn.getSender()).isNull();
        assertThat(dsn.getRecipients()).containsExactly(new MailAddress("alice@example.test"));
        assertThat(dsn.getMsg().getContentType()).contains("multipart/report");
    }

    @Test
    void aLocalRouteDeliversOnlyToUsersOfThisServer() throws Exception {
        Mail mail = mail("known@here.test", "stranger@here.test");
        router.service(mail);

        assertThat(context.getSentMails()).extracting(FakeMailContext.SentMail::getState)
            .containsExactly("local-delivery", "local-address-error");
        assertThat(context.getSentMails().get(0).getRecipients()).containsExactly(new MailAddress("known@here.test"));
        assertThat(context.getSentMails().get(1).getRecipients()).containsExactly(new MailAddress("stranger@here.test"));
    }

    private static Mail mail(String... recipients) throws Exception {
        return FakeMail.builder().name("m").sender("alice@example.test").recipients(recipients)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("s").setText("t")).build();
    }
}
