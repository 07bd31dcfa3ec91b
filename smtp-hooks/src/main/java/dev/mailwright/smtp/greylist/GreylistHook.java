package dev.mailwright.smtp.greylist;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.hash.Hashing;

import dev.mailwright.common.store.StateStore;
import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.LocalCounters;
import dev.mailwright.smtp.policy.NetworkList;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.Sessions;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * Greylisting at RCPT TO. The first attempt of a triplet (client network: IPv4 /24 or IPv6 /64, envelope sender,
 * recipient) is answered {@code 451 4.7.1 Greylisted, please try again in N seconds}; a retry after {@code delay}
 * and within {@code retryWindow} is accepted, and the triplet is then known for {@code passedLifetime}. A client
 * network that retried correctly {@code autoWhitelistAfter} times is no longer greylisted at all (for
 * {@code passedLifetime}). Real MTAs retry; most spam engines do not.
 *
 * <p>Not greylisted: authenticated clients, clients allowed to relay, {@code <exemptNetworks>}, senders in
 * {@code <exemptSenderDomains>} (and their subdomains), and recipients outside our domains (the relay check refuses
 * those). The state lives in the server's {@link StateStore} (its database: it survives restarts and is shared by
 * nodes on the same PostgreSQL); if the store fails, mail is accepted (greylisting fails open) and a warning logged.
 */
public class GreylistHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(GreylistHook.class);
    static final String NAMESPACE = "greylist";
    private static final String FIRST_SEEN = "first:";
    private static final String PASSED = "passed:";
    private static final Duration REFRESH_AFTER = Duration.ofDays(1);

    private final StateStore store;
    private final DomainList domains;
    private final Clock clock;
    private final Policy policy;
    /** Triplets and networks known to pass, to spare the store a read on every RCPT of regular correspondents. */
    private final Cache<String, Boolean> passing = CacheBuilder.newBuilder()
        .maximumSize(10_000)
        .expireAfterWrite(Duration.ofMinutes(10))
        .build();
    private Duration delay = Duration.ofMinutes(5);
    private Duration retryWindow = Duration.ofDays(2);
    private Duration passedLifetime = Duration.ofDays(35);
    private int autoWhitelistAfter = 3;
    private NetworkList exemptNetworks = NetworkList.empty();
    private List<String> exemptSenderDomains = List.of();

    @Inject
    public GreylistHook(StateStore store, DomainList domains, MetricFactory metricFactory) {
        this(store, domains, metricFactory, Clock.systemUTC());
    }

    GreylistHook(StateStore store, DomainList domains, MetricFactory metricFactory, Clock clock) {
        this.store = store;
        this.domains = domains;
        this.clock = clock;
        this.policy = new Policy("greylist", metricFactory);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        Settings settings = new Settings(getClass().getSimpleName(), configuration);
        policy.configure(settings);
        delay = settings.duration("delay", delay);
        retryWindow = settings.duration("retryWindow", retryWindow);
        passedLifetime = settings.duration("passedLifetime", passedLifetime);
        autoWhitelistAfter = settings.integer("autoWhitelistAfter", autoWhitelistAfter);
        exemptNetworks = settings.networks("exemptNetworks");
        exemptSenderDomains = settings.list("exemptSenderDomains").stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if (retryWindow.compareTo(delay) <= 0) {
            throw settings.problem("retryWindow", "must be longer than <delay>");
        }
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        if (Sessions.isTrusted(session) || exemptNetworks.contains(Sessions.clientAddress(session))
            || isExemptSender(sender) || !isLocal(recipient)) {
            return HookResult.DECLINED;
        }
        String network = NetworkList.networkOf(Sessions.clientAddress(session), 24, 64);
        String triplet = "t:" + Hashing.sha256().hashString(network + "|" + sender.asString("").toLowerCase(Locale.ROOT)
            + "|" + recipient.asString().toLowerCase(Locale.ROOT), StandardCharsets.UTF_8);
        Decision decision;
        try {
            decision = decide(network, triplet);
        } catch (RuntimeException e) {
            LOGGER.warn("Greylisting state unavailable, accepting {} -> {}: {}", sender.asString(), recipient.asString(), e.getMessage());
            decision = Decision.of(Verdict.accept()).result("store-unavailable");
        }
        return policy.apply(session, decision.sender(sender.asString("")).recipient(recipient.asString())
            .details("network=" + network));
    }

    private Decision decide(String network, String triplet) {
        String whitelisted = "w:" + network;
        if (passing.getIfPresent(whitelisted) != null || passing.getIfPresent(triplet) != null) {
            return Decision.of(Verdict.accept()).result("known");
        }
        if (store.get(NAMESPACE, whitelisted).isPresent()) {
            passing.put(whitelisted, true);
            return Decision.of(Verdict.accept()).result("whitelisted");
        }
        Instant now = clock.instant();
        Optional<StateStore.Entry> entry = store.get(NAMESPACE, triplet);
        if (entry.isEmpty()) {
            store.put(NAMESPACE, triplet, FIRST_SEEN + now.getEpochSecond(), retryWindow);
            return Decision.of(greylisted(delay.toSeconds())).result("new");
        }
        String value = entry.get().value();
        Instant since = Instant.ofEpochSecond(Long.parseLong(value.substring(value.indexOf(':') + 1)));
        if (value.startsWith(PASSED)) {
            if (Duration.between(since, now).compareTo(REFRESH_AFTER) > 0) {
                store.put(NAMESPACE, triplet, PASSED + now.getEpochSecond(), passedLifetime);
            }
            passing.put(triplet, true);
            return Decision.of(Verdict.accept()).result("known");
        }
        Instant allowedFrom = since.plus(delay);
        if (now.isBefore(allowedFrom)) {
            return Decision.of(greylisted(LocalCounters.waitSeconds(Duration.between(now, allowedFrom)))).result("early");
        }
        store.put(NAMESPACE, triplet, PASSED + now.getEpochSecond(), passedLifetime);
        passing.put(triplet, true);
        if (autoWhitelistAfter > 0 && store.increment(NAMESPACE, "c:" + network, 1, passedLifetime) >= autoWhitelistAfter) {
            store.put(NAMESPACE, whitelisted, "", passedLifetime);
        }
        return Decision.of(Verdict.accept()).result("retried");
    }

    private static Verdict greylisted(long seconds) {
        return Verdict.tempFail("451", "4.7.1", "Greylisted, please try again in " + seconds + " seconds");
    }

    private boolean isExemptSender(MaybeSender sender) {
        return sender.asOptional()
            .map(address -> address.getDomain().asString().toLowerCase(Locale.ROOT))
            .filter(domain -> exemptSenderDomains.stream().anyMatch(exempt -> domain.equals(exempt) || domain.endsWith("." + exempt)))
            .isPresent();
    }

    private boolean isLocal(MailAddress recipient) {
        try {
            return domains.containsDomain(recipient.getDomain());
        } catch (DomainListException e) {
            return true;
        }
    }
}
