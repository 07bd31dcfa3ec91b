package dev.mailwright.server.spool;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTable.ErrorMappingException;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Placed before James's {@code RecipientRewriteTable} mailet: fails the mail's processing (so that the spooler tries
 * it again later) when the aliases and forwards cannot be read, e.g. the database is down. James's mailet takes any
 * such failure for a bad recipient and moves the mail to its error processor: during a PostgreSQL outage every
 * message accepted from the spool went to the {@code rrt-error} repository instead of the mailbox, or was lost
 * when that repository could not be written either ({@code PostgresOutageIT}). An error mapping (a recipient
 * rewritten to an error on purpose) is no failure: James's mailet handles it. The lookups are cached, so James's
 * mailet reads the same answers right after.
 */
public class RewriteTableAvailable extends GenericMailet {
    private final RecipientRewriteTable rewriteTable;

    @Inject
    public RewriteTableAvailable(RecipientRewriteTable rewriteTable) {
        this.rewriteTable = rewriteTable;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        for (MailAddress recipient : mail.getRecipients()) {
            try {
                rewriteTable.getResolvedMappings(recipient.getLocalPart(), recipient.getDomain());
            } catch (ErrorMappingException onPurpose) {
                // a recipient rewritten to an error: James's mailet answers for it
            } catch (RecipientRewriteTableException | RuntimeException unavailable) {
                throw new MessagingException("aliases and forwards cannot be read now (" + unavailable.getMessage()
                    + "); the mail is processed again later", unavailable);
            }
        }
    }

    @Override
    public String getMailetInfo() {
        return "Processing waits while the recipient rewrite table cannot be read";
    }
}
