package dev.mailwright.mailets.delivery.nexthop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.common.store.StateStore;

/**
 * The MTA-STS policy in force for a recipient domain (RFC 8461 section 5): the {@code _mta-sts} TXT record announces
 * a policy id; a policy with that id is fetched over HTTPS and cached in the {@link StateStore} for its
 * {@code max_age}. When the TXT record is missing or the fetch fails, a cached policy still applies (that is what
 * protects against an attacker who strips the record); without one the domain has no policy.
 */
public final class MtaStsPolicies {
    static final String NAMESPACE = "mta-sts";
    private static final Logger LOGGER = LoggerFactory.getLogger(MtaStsPolicies.class);

    private final StateStore store;
    private final PolicyFetcher fetcher;
    private final DnsLookup dns;

    public MtaStsPolicies(StateStore store, PolicyFetcher fetcher, DnsLookup dns) {
        this.store = store;
        this.fetcher = fetcher;
        this.dns = dns;
    }

    public Optional<MtaStsPolicy> policyFor(String domain) {
        Optional<Cached> cached = cached(domain);
        Optional<String> id = announcedId(domain);
        if (id.isEmpty()) {
            return cached.map(Cached::policy);
        }
        if (cached.isPresent() && cached.get().id().equals(id.get())) {
            return cached.map(Cached::policy);
        }
        try {
            String body = fetcher.fetch(domain);
            MtaStsPolicy policy = MtaStsPolicy.parse(body);
            store.put(NAMESPACE, domain, id.get() + "\n" + body, policy.maxAge());
            return Optional.of(policy);
        } catch (IOException | IllegalArgumentException e) {
            LOGGER.warn("MTA-STS policy of {} (id {}) could not be fetched: {}; {}", domain, id.get(), e.getMessage(),
                cached.isPresent() ? "the cached policy applies" : "no policy applies");
            return cached.map(Cached::policy);
        }
    }

    private record Cached(String id, MtaStsPolicy policy) {
    }

    private Optional<Cached> cached(String domain) {
        return store.get(NAMESPACE, domain).flatMap(entry -> {
            String value = entry.value();
            int newline = value.indexOf('\n');
            try {
                return Optional.of(new Cached(value.substring(0, newline), MtaStsPolicy.parse(value.substring(newline + 1))));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /** The id of the one {@code v=STSv1} TXT record at {@code _mta-sts.DOMAIN}; none when absent or ambiguous. */
    Optional<String> announcedId(String domain) {
        List<String> ids = new ArrayList<>();
        for (String record : dns.txt("_mta-sts." + domain).texts()) {
            String text = record.strip();
            if (text.startsWith("v=STSv1")) {
                ids.add(idOf(text));
            }
        }
        return ids.size() == 1 && ids.get(0) != null ? Optional.of(ids.get(0)) : Optional.empty();
    }

    private static String idOf(String record) {
        for (String field : record.split(";")) {
            String[] pair = field.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equals("id") && pair[1].strip().matches("[A-Za-z0-9]{1,32}")) {
                return pair[1].strip();
            }
        }
        return null;
    }
}
