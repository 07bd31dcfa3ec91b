package dev.mailwright.mailets.delivery;

import java.util.List;

import org.apache.james.core.MailAddress;

import dev.mailwright.mailets.routing.Route;

/**
 * The recipients of a mail that one SMTP transaction serves: those of one domain for {@code mx}, all of them for a
 * smarthost or LMTP route. {@code key} names it in traces, limits and the deferred list.
 */
record Destination(String key, Route route, String domain, List<MailAddress> recipients) {
    Destination {
        recipients = List.copyOf(recipients);
    }
}
