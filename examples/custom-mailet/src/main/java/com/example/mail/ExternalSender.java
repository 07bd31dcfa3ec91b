package com.example.mail;

import java.util.Collection;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/**
 * Matches mail whose sender is outside this server's domains (a "foreign" sender). Mail with a null sender
 * (bounces, notifications) does not match: it has no sender to judge.
 *
 * <pre>{@code <mailet match="com.example.mail.ExternalSender" class="..."/>}</pre>
 */
public class ExternalSender extends GenericMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean external = mail.getMaybeSender().asOptional()
            .map(sender -> !getMailetContext().isLocalServer(sender.getDomain()))
            .orElse(false);
        return external ? mail.getRecipients() : List.of();
    }
}
