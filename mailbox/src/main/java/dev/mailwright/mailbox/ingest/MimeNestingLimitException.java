package dev.mailwright.mailbox.ingest;

import org.apache.james.mailbox.exception.MailboxException;

/** A message whose MIME structure nests deeper than the store accepts (Postfix's {@code mime_nesting_limit}). */
public class MimeNestingLimitException extends MailboxException {
    public MimeNestingLimitException(int limit) {
        super("MIME nesting exceeds " + limit + " levels: message refused");
    }
}
