package dev.mailwright.smtp.rcpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.lib.MappingsImpl;
import org.apache.james.user.api.UsersRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mailwright.smtp.testing.FakeSession;

class ValidRecipientHandlerTest {
    private final UsersRepository users = mock(UsersRepository.class);
    private final RecipientRewriteTable aliases = mock(RecipientRewriteTable.class);
    private final DomainList domains = mock(DomainList.class);
    private ValidRecipientHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        when(domains.containsDomain(any(Domain.class))).thenReturn(true);
        when(users.getUsername(any(MailAddress.class))).thenAnswer(call -> Username.of(call.<MailAddress>getArgument(0).asString()));
        when(users.contains(any(Username.class))).thenAnswer(call -> call.<Username>getArgument(0).asString().equals("bob@example.test"));
        when(aliases.getResolvedMappings(anyString(), any(Domain.class))).thenReturn(MappingsImpl.empty());
        handler = new ValidRecipientHandler(users, aliases, domains);
        BaseConfiguration config = new BaseConfiguration();
        config.addProperty("catchAllDomains", "catchall.test, other.test");
        handler.init(config);
    }

    private HookReturnCode.Action verdict(String recipient) throws Exception {
        HookResult result = handler.doRcpt(new FakeSession("192.0.2.1"), MaybeSender.of(new MailAddress("a@sender.test")),
            new MailAddress(recipient));
        return result.getResult().getAction();
    }

    @Test
    void usersAreValidAndUnknownUsersAreRefused() throws Exception {
        assertThat(verdict("bob@example.test")).isEqualTo(HookReturnCode.Action.DECLINED);
        assertThat(verdict("nobody@example.test")).isEqualTo(HookReturnCode.Action.DENY);
    }

    @Test
    void aSubaddressOfAUserIsValid() throws Exception {
        assertThat(verdict("bob+newsletters@example.test")).isEqualTo(HookReturnCode.Action.DECLINED);
        assertThat(verdict("nobody+x@example.test")).isEqualTo(HookReturnCode.Action.DENY);
        assertThat(verdict("+x@example.test")).isEqualTo(HookReturnCode.Action.DENY);
    }

    @Test
    void everyAddressOfACatchAllDomainIsValid() throws Exception {
        assertThat(verdict("anything@catchall.test")).isEqualTo(HookReturnCode.Action.DECLINED);
        assertThat(verdict("ANYTHING@Other.Test")).isEqualTo(HookReturnCode.Action.DECLINED);
    }

    @Test
    void postmasterAndAbuseOfEveryLocalDomainAreValidWithoutAnAccount() throws Exception {
        assertThat(verdict("postmaster@example.test")).isEqualTo(HookReturnCode.Action.DECLINED);
        assertThat(verdict("PostMaster@example.test")).isEqualTo(HookReturnCode.Action.DECLINED);
        assertThat(verdict("abuse@example.test")).isEqualTo(HookReturnCode.Action.DECLINED);
        assertThat(verdict("hostmaster@example.test")).isEqualTo(HookReturnCode.Action.DENY);
    }

    @Test
    void aRecipientThatCannotBeLookedUpIsToldToComeBackLaterWith451And430() throws Exception {
        when(users.contains(any(Username.class))).thenThrow(new org.apache.james.user.api.UsersRepositoryException("database down"));

        HookResult result = handler.doRcpt(new FakeSession("192.0.2.1"), MaybeSender.of(new MailAddress("a@sender.test")),
            new MailAddress("carol@example.test"));

        assertThat(result.getResult().getAction()).isEqualTo(HookReturnCode.Action.DENYSOFT);
        assertThat(result.getSmtpRetCode()).isEqualTo("451");
        assertThat(result.getSmtpDescription()).startsWith("4.3.0 ").contains("carol@example.test");
    }
}
