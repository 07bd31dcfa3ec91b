package dev.mailwright.mailets.delivery.smtp;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;

/**
 * What one transaction carries besides the message: the envelope sender and recipients, LMTP instead of SMTP, and the
 * smarthost credentials file (user name on line 1, password on line 2) to send with AUTH PLAIN.
 */
public record Envelope(MaybeSender sender, List<MailAddress> recipients, boolean lmtp, Optional<Path> credentials) {
    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
