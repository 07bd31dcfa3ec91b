package dev.mailwright.mailets.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    /** How a mail's recipients split into transactions. */
    static List<Destination> of(List<MailAddress> recipients, Route route) {
        if (route.kind() != Route.Kind.MX) {
            return List.of(new Destination(route.destination(), route, "", recipients));
        }
        Map<String, List<MailAddress>> byDomain = new LinkedHashMap<>();
        recipients.forEach(recipient -> byDomain
            .computeIfAbsent(recipient.getDomain().asString().toLowerCase(Locale.ROOT), d -> new ArrayList<>()).add(recipient));
        return byDomain.entrySet().stream()
            .map(entry -> new Destination(entry.getKey(), route, entry.getKey(), entry.getValue()))
            .toList();
    }
}
