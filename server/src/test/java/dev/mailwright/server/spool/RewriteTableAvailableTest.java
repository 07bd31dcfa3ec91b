package dev.mailwright.server.spool;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTable.ErrorMappingException;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.lib.MappingsImpl;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

class RewriteTableAvailableTest {
    private final RecipientRewriteTable table = mock(RecipientRewriteTable.class);
    private final RewriteTableAvailable mailet = new RewriteTableAvailable(table);

    private static Mail mail() throws MessagingException {
        return MailImpl.builder().name("m").sender("a@example.test").addRecipient("b@example.test").build();
    }

    @Test
    void aTableThatCannotBeReadFailsTheProcessingSoThatTheSpoolerRetries() throws Exception {
        when(table.getResolvedMappings(eq("b"), any(Domain.class))).thenThrow(new RecipientRewriteTableException("database down"));

        assertThatThrownBy(() -> mailet.service(mail())).isInstanceOf(MessagingException.class).hasMessageContaining("database down");
    }

    @Test
    void aDatabaseErrorOutsideTheApiFailsItToo() throws Exception {
        when(table.getResolvedMappings(eq("b"), any(Domain.class))).thenThrow(new IllegalStateException("connection refused"));

        assertThatThrownBy(() -> mailet.service(mail())).isInstanceOf(MessagingException.class).hasMessageContaining("connection refused");
    }

    @Test
    void anErrorMappingOrAnAnswerLetsTheMailGoOn() throws Exception {
        when(table.getResolvedMappings(eq("b"), any(Domain.class))).thenThrow(new ErrorMappingException("550 no"));
        assertThatCode(() -> mailet.service(mail())).doesNotThrowAnyException();

        when(table.getResolvedMappings(eq("b"), any(Domain.class))).thenReturn(MappingsImpl.empty());
        assertThatCode(() -> mailet.service(mail())).doesNotThrowAnyException();
    }
}
