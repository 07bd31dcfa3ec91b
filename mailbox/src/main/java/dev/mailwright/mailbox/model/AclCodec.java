package dev.mailwright.mailbox.model;

import java.util.Map;

import org.apache.james.mailbox.exception.UnsupportedRightException;
import org.apache.james.mailbox.model.MailboxACL;

/** A folder's ACL as one text column: one {@code key=rights} line per entry (RFC 4314 right letters). */
public final class AclCodec {
    private AclCodec() {
    }

    public static String encode(MailboxACL acl) {
        if (acl == null || acl.getEntries().isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (Map.Entry<MailboxACL.EntryKey, MailboxACL.Rfc4314Rights> entry : acl.getEntries().entrySet()) {
            text.append(entry.getKey().serialize()).append('=').append(entry.getValue().serialize()).append('\n');
        }
        return text.toString();
    }

    public static MailboxACL decode(String text) {
        if (text == null || text.isBlank()) {
            return MailboxACL.EMPTY;
        }
        MailboxACL acl = MailboxACL.EMPTY;
        for (String line : text.split("\n")) {
            int equals = line.lastIndexOf('=');
            if (equals <= 0) {
                continue;
            }
            try {
                acl = acl.apply(MailboxACL.command()
                    .key(MailboxACL.EntryKey.deserialize(line.substring(0, equals)))
                    .rights(MailboxACL.Rfc4314Rights.deserialize(line.substring(equals + 1)))
                    .asAddition());
            } catch (UnsupportedRightException e) {
                throw new IllegalStateException("Unreadable ACL entry " + line, e);
            }
        }
        return acl;
    }
}
