package dev.mailwright.server.imap;

import javax.inject.Inject;

import org.apache.james.imap.api.process.DefaultMailboxTyper;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * Which folder IMAP clients are told is for junk mail (RFC 6154 {@code \Junk} in LIST): {@code Junk}, where DMARC
 * quarantine and the content filters deliver spam, and where Thunderbird, Apple Mail and Outlook look. James 3.8.1
 * gives that role to {@code Spam} (its default folder); a {@code Spam} folder here is an ordinary folder.
 * Other folders keep James's roles ({@code Sent}, {@code Drafts}, {@code Trash}, {@code Archive}).
 */
public class JunkFolderTyper implements MailboxTyper {
    public static final String JUNK = "Junk";

    private final DefaultMailboxTyper james;

    @Inject
    public JunkFolderTyper(DefaultMailboxTyper james) {
        this.james = james;
    }

    @Override
    public MailboxType getMailboxType(ImapSession session, MailboxPath path) {
        if (JUNK.equals(path.getName())) {
            return MailboxType.SPAM;
        }
        MailboxType type = james.getMailboxType(session, path);
        return type == MailboxType.SPAM ? MailboxType.OTHER : type;
    }
}
