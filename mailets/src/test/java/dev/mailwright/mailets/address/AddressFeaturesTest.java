package dev.mailwright.mailets.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.when;

import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.mailet.Mail;
import org.apache.mailet.StorageDirective;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

class AddressFeaturesTest {
    private static final Set<String> USERS = Set.of("bob@example.com", "carol@example.com", "info@example.com", "odd+name@example.com");

    FakeMailContext context;

    @BeforeEach
    void setUp() {
        context = spy(FakeMailContext.defaultContext());
        doAnswer(call -> call.<Domain>getArgument(0).asString().equals("example.com")).when(context).isLocalServer(any(Domain.class));
        doAnswer(call -> USERS.contains(call.<MailAddress>getArgument(0).asString())).when(context).isLocalEmail(any(MailAddress.class));
    }

    @Test
    void aTaggedAddressOfAUserGoesToTheUserAndIntoTheTagFolderWhenItExists() throws Exception {
        MailboxManager mailboxes = mock(MailboxManager.class);
        MailboxSession session = mock(MailboxSession.class);
        when(mailboxes.createSystemSession(any())).thenReturn(session);
        when(mailboxes.mailboxExists(any(), any())).thenAnswer(call ->
            Mono.just(call.<MailboxPath>getArgument(0).getName().equals("lists")));
        SubAddressing mailet = new SubAddressing(mailboxes);
        mailet.init(FakeMailetConfig.builder().mailetName("sub").mailetContext(context).build());

        Mail mail = mail("bob+lists@example.com", "carol+nofolder@example.com", "odd+name@example.com",
            "dave+x@example.com", "eve+x@remote.test");
        mailet.service(mail);

        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly(
            "bob@example.com", "carol@example.com", "odd+name@example.com", "dave+x@example.com", "eve+x@remote.test");
        assertThat(StorageDirective.fromMail(Username.of("bob@example.com"), mail).getTargetFolder()).contains("lists");
        assertThat(StorageDirective.fromMail(Username.of("carol@example.com"), mail).getTargetFolder()).isEmpty();
    }

    @Test
    void unknownUsersOfACatchAllDomainGoToItsAddressOnce() throws Exception {
        CatchAll mailet = new CatchAll();
        mailet.init(FakeMailetConfig.builder().mailetName("catch").mailetContext(context)
            .setProperty("catchAll", "example.com=info@example.com").build());

        Mail mail = mail("bob@example.com", "sales@example.com", "jobs@example.com", "x@other.test");
        mailet.service(mail);

        assertThat(mail.getRecipients()).extracting(MailAddress::asString)
            .containsExactly("bob@example.com", "info@example.com", "x@other.test");
    }

    @Test
    void postmasterAndAbuseOfLocalDomainsGoToThePostmasterUnlessAUserOrAliasHasThem() throws Exception {
        doAnswer(call -> new MailAddress("admin@example.com")).when(context).getPostmaster();
        doAnswer(call -> Set.of("example.com", "other.example").contains(call.<Domain>getArgument(0).asString()))
            .when(context).isLocalServer(any(Domain.class));
        RoleAccounts mailet = new RoleAccounts();
        mailet.init(FakeMailetConfig.builder().mailetName("roles").mailetContext(context).build());

        Mail mail = mail("Postmaster@other.example", "abuse@example.com", "postmaster@remote.test", "bob@example.com");
        mailet.service(mail);
        Mail claimed = mail("abuse@example.com");
        doAnswer(call -> call.<MailAddress>getArgument(0).asString().equals("abuse@example.com")).when(context).isLocalEmail(any(MailAddress.class));
        mailet.service(claimed);

        assertThat(mail.getRecipients()).extracting(MailAddress::asString)
            .containsExactly("admin@example.com", "postmaster@remote.test", "bob@example.com");
        assertThat(claimed.getRecipients()).extracting(MailAddress::asString).containsExactly("abuse@example.com");
    }

    @Test
    void badCatchAllEntriesStopTheStart() {
        CatchAll mailet = new CatchAll();
        assertThatThrownBy(() -> mailet.init(FakeMailetConfig.builder().mailetName("catch").mailetContext(context)
            .setProperty("catchAll", "example.com").build())).isInstanceOf(MessagingException.class)
            .hasMessageContaining("domain=address");
    }

    @Test
    void journalingSendsOneMarkedCopyPerArchiveAndNeverJournalsACopy() throws Exception {
        Journaling mailet = new Journaling();
        mailet.init(FakeMailetConfig.builder().mailetName("journal").mailetContext(context)
            .setProperty("journal", "example.com=journal@archive.test").build());

        Mail mail = FakeMail.builder().name("m1").sender("bob@example.com")
            .recipients("carol@example.com", "x@other.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Contract").setText("t")).build();
        mailet.service(mail);

        assertThat(context.getSentMails()).singleElement().satisfies(copy -> {
            assertThat(copy.getRecipients()).extracting(MailAddress::asString).containsExactly("journal@archive.test");
            assertThat(copy.getSender().asString()).isEqualTo("bob@example.com");
            assertThat(copy.getSubject()).contains("Contract");
            assertThat(copy.getAttributes()).containsKey(Journaling.JOURNAL_COPY);
        });
        assertThat(mail.getRecipients()).hasSize(2);

        Mail copy = FakeMail.builder().name("m1-journal").sender("bob@example.com").recipient("journal@archive.test")
            .attribute(new org.apache.mailet.Attribute(Journaling.JOURNAL_COPY, org.apache.mailet.AttributeValue.of(true)))
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("t")).build();
        context.resetSentMails();
        mailet.service(copy);
        assertThat(context.getSentMails()).isEmpty();
    }

    private static Mail mail(String... recipients) throws MessagingException {
        return FakeMail.builder().name("m").sender("sender@remote.test").recipients(recipients)
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("t")).build();
    }
}
