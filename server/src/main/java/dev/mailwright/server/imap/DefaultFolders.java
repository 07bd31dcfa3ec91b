package dev.mailwright.server.imap;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.model.MailboxMetaData;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folders every user finds at their first IMAP login: INBOX, Sent, Drafts, Trash, Archive and Junk (subscribed),
 * whether or not mail was delivered before. James's own provisioning ({@code provisionDefaultMailboxes}, off in
 * {@code conf/imapserver.xml}) creates a {@code Spam} folder instead of {@code Junk}, and only when INBOX does not
 * exist yet, so never for a user who received mail first. Checked once per user and server run (one mailbox
 * listing); a folder the user deletes later comes back only after a restart, as with most servers' auto-creation.
 */
public class DefaultFolders implements ImapAuthenticationListener {
    static final List<String> FOLDERS = List.of("INBOX", "Sent", "Drafts", "Trash", "Archive", JunkFolderTyper.JUNK);
    private static final Logger LOGGER = LoggerFactory.getLogger(DefaultFolders.class);

    private final MailboxManager mailboxes;
    private final Set<Username> provisioned = ConcurrentHashMap.newKeySet();

    @Inject
    public DefaultFolders(MailboxManager mailboxes) {
        this.mailboxes = mailboxes;
    }

    @Override
    public void authenticated(ImapAuthentication authentication, ImapSession session) {
        MailboxSession user = session.getMailboxSession();
        if (user == null || provisioned.contains(user.getUser())) {
            return;
        }
        try {
            Set<String> existing = mailboxes.search(MailboxQuery.privateMailboxesBuilder(user).matchesAllMailboxNames().build(), user)
                .map(MailboxMetaData::getPath)
                .map(MailboxPath::getName)
                .collect(Collectors.toSet())
                .block();
            for (String folder : FOLDERS) {
                if (!existing.contains(folder) && !(folder.equals("INBOX") && existing.stream().anyMatch("INBOX"::equalsIgnoreCase))) {
                    create(MailboxPath.forUser(user.getUser(), folder), user);
                }
            }
            provisioned.add(user.getUser());
        } catch (MailboxException | RuntimeException e) {
            LOGGER.warn("Could not create the default folders of {}", user.getUser().asString(), e);
        }
    }

    private void create(MailboxPath path, MailboxSession user) throws MailboxException {
        try {
            mailboxes.createMailbox(path, MailboxManager.CreateOption.CREATE_SUBSCRIPTION, user);
            LOGGER.debug("Created folder {} of {}", path.getName(), user.getUser().asString());
        } catch (MailboxExistsException e) {
            // created meanwhile by a delivery or another connection
        }
    }

    @Override
    public void failed(ImapAuthentication authentication, ImapSession session) {
    }
}
