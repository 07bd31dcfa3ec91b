package dev.mailwright.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.Username;
import org.apache.james.imap.api.process.DefaultMailboxTyper;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.encode.FakeImapSession;
import org.apache.james.mailbox.model.MailboxPath;
import org.junit.jupiter.api.Test;

class JunkFolderTyperTest {
    private final JunkFolderTyper typer = new JunkFolderTyper(new DefaultMailboxTyper());
    private final Username bob = Username.of("bob@example.test");

    private MailboxType type(String folder) {
        return typer.getMailboxType(new FakeImapSession(), MailboxPath.forUser(bob, folder));
    }

    @Test
    void junkIsTheJunkFolderAndSpamIsAnOrdinaryOne() {
        assertThat(type("Junk")).isEqualTo(MailboxType.SPAM);
        assertThat(type("Junk").getRfc6154attributeName()).isEqualTo("\\Junk");
        assertThat(type("Spam")).isEqualTo(MailboxType.OTHER);
        assertThat(type("Sent")).isEqualTo(MailboxType.SENT);
        assertThat(type("Trash")).isEqualTo(MailboxType.TRASH);
        assertThat(type("Projects")).isEqualTo(MailboxType.OTHER);
    }
}
