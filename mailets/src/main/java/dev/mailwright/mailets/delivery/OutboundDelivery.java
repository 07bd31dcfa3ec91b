package dev.mailwright.mailets.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableSet;

import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.common.store.StateStore;
import dev.mailwright.mailets.bounce.Bouncer;
import dev.mailwright.mailets.delivery.nexthop.HttpsPolicyFetcher;
import dev.mailwright.mailets.delivery.nexthop.MtaStsPolicies;
import dev.mailwright.mailets.delivery.nexthop.NextHopResolver;
import dev.mailwright.mailets.delivery.nexthop.NextHops;
import dev.mailwright.mailets.delivery.queue.DeliveryQueue;
import dev.mailwright.mailets.delivery.queue.DestinationLimits;
import dev.mailwright.mailets.delivery.retry.Durations;
import dev.mailwright.mailets.delivery.retry.RetryPolicy;
import dev.mailwright.mailets.delivery.retry.RetrySchedule;
import dev.mailwright.mailets.delivery.smtp.SmtpClient;
import dev.mailwright.mailets.delivery.smtp.TrustAnchors;

/**
 * Delivers mail that leaves the server: to the MX hosts of each recipient domain, or over the route the
 * {@code TransportMapRouter} chose (smarthost, LMTP). Replaces James's {@code RemoteDelivery}.
 *
 * <p>The mailet reads its parameters and puts the parts together, as Postfix splits its queue manager, delivery agent
 * and bounce daemon: the queue part ({@link DeliveryQueue}: dequeue loop, threads, graceful stop), the retry policy
 * ({@link RetryPolicy}: re-queue delay, delay notice or DSN), the next-hop part ({@link NextHops}: MX, AAAA/A,
 * MTA-STS, TLS level, on the server's {@link DnsLookup}), the SMTP client ({@link SmtpClient}) and the
 * {@link Bouncer}; {@link DeliveryAttempt} runs one attempt with them. See mailets/README.md for the parameters.
 */
public class OutboundDelivery extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutboundDelivery.class);
    private static final Set<String> PARAMETERS = ImmutableSet.of("outgoingQueue", "heloName", "bindAddress",
        "retrySchedule", "maxAge", "delayWarning", "deliveryThreads", "maxPerDestination", "busyRetryDelay", "stopGrace",
        "connectTimeout", "readTimeout", "trustStore", "trustStorePassword", "mtaSts", "mtaStsFetchTimeout",
        "traceRetention", "failedRepository");

    private final MailQueueFactory<?> queues;
    private final StateStore store;
    private final MailRepositoryStore repositories;
    private final DnsLookup dns;
    private final Clock clock;
    private DeliveryQueue queue;

    @Inject
    public OutboundDelivery(MailQueueFactory<?> queues, StateStore store, MailRepositoryStore repositories, DnsLookup dns) {
        this(queues, store, repositories, dns, Clock.systemUTC());
    }

    OutboundDelivery(MailQueueFactory<?> queues, StateStore store, MailRepositoryStore repositories, DnsLookup dns, Clock clock) {
        this.queues = queues;
        this.store = store;
        this.repositories = repositories;
        this.dns = dns;
        this.clock = clock;
    }

    @Override
    public String getMailetInfo() {
        return "Mailwright outbound delivery";
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
        try {
            String heloName = getInitParameter("heloName", defaultHostname());
            String warning = getInitParameter("delayWarning", "4h").strip();
            Duration busyRetryDelay = duration("busyRetryDelay", "10s");
            RetryPolicy policy = new RetryPolicy(RetrySchedule.parse(getInitParameter("retrySchedule", RetrySchedule.DEFAULT)),
                duration("maxAge", "5d"), warning.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(Durations.parse(warning)),
                busyRetryDelay);

            TrustAnchors trust = TrustAnchors.load(getInitParameterAsOptional("trustStore").map(Path::of),
                getInitParameter("trustStorePassword", "").toCharArray());
            NextHopResolver resolver = new NextHopResolver(dns);
            MtaStsPolicies policies = new MtaStsPolicies(store,
                new HttpsPolicyFetcher(resolver, trust, duration("mtaStsFetchTimeout", "10s")), dns);
            NextHops nextHops = new NextHops(resolver, policies, dns, getInitParameter("mtaSts", true));
            SmtpClient client = new SmtpClient(new SmtpClient.Settings(heloName,
                getInitParameterAsOptional("bindAddress").map(OutboundDelivery::address),
                duration("connectTimeout", "30s"), duration("readTimeout", "5m"), trust));

            Bouncer bouncer = new Bouncer(heloName, getMailetContext(),
                getInitParameterAsOptional("failedRepository").map(this::repository));
            DeliveryAttempt attempt = new DeliveryAttempt(new DestinationDelivery(nextHops, client),
                new DestinationLimits(Integer.parseInt(getInitParameter("maxPerDestination", "20"))), policy, bouncer,
                new DeliveryTraces(store), duration("traceRetention", "7d"), clock);

            queue = new DeliveryQueue(queues.createQueue(MailQueueName.of(getInitParameter("outgoingQueue", "outgoing"))),
                Integer.parseInt(getInitParameter("deliveryThreads", "20")), duration("stopGrace", "5s"), busyRetryDelay);
            queue.start(attempt);
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    /** Lets the deliveries under way finish (at most {@code stopGrace}); what was not delivered stays queued. */
    @Override
    public void destroy() {
        if (queue != null) {
            queue.stop();
        }
        LOGGER.info("Outbound delivery stopped");
    }

    /** Queues the mail for delivery; the mail leaves the processor. */
    @Override
    public void service(Mail mail) throws MessagingException {
        if (!mail.getRecipients().isEmpty()) {
            RetryAttributes.queued(mail, clock.instant());
            queue.enqueue(mail);
        }
        mail.setState(Mail.GHOST);
    }

    private Duration duration(String parameter, String defaultValue) {
        return Durations.parse(getInitParameter(parameter, defaultValue));
    }

    private MailRepository repository(String url) {
        try {
            return repositories.select(MailRepositoryUrl.from(url));
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new IllegalArgumentException("cannot open repository " + url + ": " + e.getMessage(), e);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bindAddress " + literal + " is not an address", e);
        }
    }

    private static String defaultHostname() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
