package dev.mailwright.mailets.delivery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableSet;

import dev.mailwright.common.store.StateStore;
import dev.mailwright.mailets.delivery.RecipientOutcome.Result;
import dev.mailwright.mailets.routing.Route;
import dev.mailwright.mailets.routing.RouteAttribute;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers mail that leaves the server: to the MX hosts of each recipient domain, or over the route the
 * {@code TransportMapRouter} chose (smarthost, LMTP). Replaces James's {@code RemoteDelivery}.
 *
 * <p>The mailet puts the mail in a persistent queue and its own threads take it from there: one SMTP transaction per
 * destination for all its recipients, per-recipient results (delivered, deferred, failed), retries with a growing
 * delay until a maximum age, one delay notice after a while, one DSN for the recipients that failed (never to a null
 * sender), a trace of every attempt. See mailets/README.md for the parameters.
 */
public class OutboundDelivery extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutboundDelivery.class);
    static final AttributeName FIRST_ATTEMPT = AttributeName.of("dev.mailwright.delivery.queued-at");
    static final AttributeName FAILURES = AttributeName.of("dev.mailwright.delivery.failures");
    static final AttributeName DELAY_NOTIFIED = AttributeName.of("dev.mailwright.delivery.delay-notified");
    private static final Set<String> PARAMETERS = ImmutableSet.of("outgoingQueue", "heloName", "bindAddress",
        "retrySchedule", "maxAge", "delayWarning", "deliveryThreads", "maxPerDestination", "busyRetryDelay", "stopGrace",
        "connectTimeout", "readTimeout", "trustStore", "trustStorePassword", "mtaSts", "mtaStsFetchTimeout",
        "traceRetention", "failedRepository");

    private final MailQueueFactory<?> queues;
    private final StateStore store;
    private final MailRepositoryStore repositories;
    private final Clock clock;

    private MailQueue queue;
    private DestinationDelivery delivery;
    private DestinationLimits limits;
    private DeliveryTraces traces;
    private DsnBuilder dsns;
    private RetrySchedule schedule;
    private Duration maxAge;
    private Optional<Duration> delayWarning;
    private Duration busyRetryDelay;
    private Duration traceRetention;
    private Optional<MailRepository> failedRepository;
    private Scheduler workers;
    private Scheduler dequeuer;
    private Disposable loop;
    /** Deliveries under way; {@link #destroy()} lets them finish so that none is cut between re-queue and ack. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private Duration stopGrace;

    @Inject
    public OutboundDelivery(MailQueueFactory<?> queues, StateStore store, MailRepositoryStore repositories) {
        this(queues, store, repositories, Clock.systemUTC());
    }

    OutboundDelivery(MailQueueFactory<?> queues, StateStore store, MailRepositoryStore repositories, Clock clock) {
        this.queues = queues;
        this.store = store;
        this.repositories = repositories;
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
            schedule = RetrySchedule.parse(getInitParameter("retrySchedule", RetrySchedule.DEFAULT));
            maxAge = Durations.parse(getInitParameter("maxAge", "5d"));
            String warning = getInitParameter("delayWarning", "4h").strip();
            delayWarning = warning.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(Durations.parse(warning));
            busyRetryDelay = Durations.parse(getInitParameter("busyRetryDelay", "10s"));
            stopGrace = Durations.parse(getInitParameter("stopGrace", "5s"));
            traceRetention = Durations.parse(getInitParameter("traceRetention", "7d"));
            int threads = Integer.parseInt(getInitParameter("deliveryThreads", "20"));
            limits = new DestinationLimits(Integer.parseInt(getInitParameter("maxPerDestination", "20")));
            Optional<InetAddress> source = getInitParameterAsOptional("bindAddress").map(OutboundDelivery::address);
            TrustAnchors trust = TrustAnchors.load(getInitParameterAsOptional("trustStore").map(Path::of),
                getInitParameter("trustStorePassword", "").toCharArray());
            NextHopResolver resolver = new NextHopResolver();
            MtaStsPolicies policies = new MtaStsPolicies(store, new HttpsPolicyFetcher(resolver, trust,
                Durations.parse(getInitParameter("mtaStsFetchTimeout", "10s"))));
            delivery = new DestinationDelivery(new DestinationDelivery.Settings(heloName, source,
                Durations.parse(getInitParameter("connectTimeout", "30s")), Durations.parse(getInitParameter("readTimeout", "5m")),
                trust, getInitParameter("mtaSts", true)), resolver, policies);
            traces = new DeliveryTraces(store);
            dsns = new DsnBuilder(heloName);
            failedRepository = getInitParameterAsOptional("failedRepository").map(this::repository);
            queue = queues.createQueue(MailQueueName.of(getInitParameter("outgoingQueue", "outgoing")));
            workers = Schedulers.newBoundedElastic(threads, Integer.MAX_VALUE, "outbound-delivery");
            dequeuer = Schedulers.newSingle("outbound-dequeue");
            // the queue's dequeue blocks: it runs on a thread of its own, deliveries on the workers
            loop = Flux.from(queue.deQueue())
                .flatMap(item -> Mono.fromRunnable(() -> process(item)).subscribeOn(workers), threads)
                .onErrorContinue((error, item) -> LOGGER.error("outbound delivery loop error", error))
                .subscribeOn(dequeuer)
                .subscribe();
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops taking mail from the queue and waits (at most {@code stopGrace}) for the deliveries under way, so that a
     * delivery is never cut between putting the mail back for a retry and acknowledging the queue item (which would
     * leave the mail twice in the queue). Mail taken from the queue after the stop began is not acknowledged: it stays
     * queued for the next start.
     */
    @Override
    public void destroy() {
        stopping = true;
        long deadline = System.nanoTime() + (stopGrace == null ? 0 : stopGrace.toNanos());
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOGGER.warn("{} outbound deliveries still under way after {}; they are interrupted and stay queued",
                inFlight.get(), stopGrace);
        }
        if (loop != null) {
            loop.dispose();
        }
        stopped.countDown();
        if (workers != null) {
            workers.dispose();
            dequeuer.dispose();
        }
        LOGGER.info("Outbound delivery stopped");
    }

    /** Queues the mail for delivery; the mail leaves the processor. */
    @Override
    public void service(Mail mail) throws MessagingException {
        if (!mail.getRecipients().isEmpty()) {
            if (mail.getAttribute(FIRST_ATTEMPT).isEmpty()) {
                mail.setAttribute(new Attribute(FIRST_ATTEMPT, AttributeValue.of(clock.millis())));
            }
            queue.enQueue(mail);
        }
        mail.setState(Mail.GHOST);
    }

    private void process(MailQueue.MailQueueItem item) {
        inFlight.incrementAndGet();
        if (stopping) {
            inFlight.decrementAndGet();
            holdUntilStopped();
            return;
        }
        Mail mail = item.getMail();
        try {
            attempt(mail);
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            LOGGER.error("delivery of {} failed unexpectedly; it is retried in {}", mail.getName(), busyRetryDelay, e);
            requeue(item, mail);
        } finally {
            LifecycleUtil.dispose(mail);
            inFlight.decrementAndGet();
        }
    }

    /**
     * A mail dequeued while stopping is left unacknowledged (its queue transaction is rolled back when the queue
     * closes, so the mail stays queued); holding the worker keeps the loop from taking more mail in the meantime.
     */
    private void holdUntilStopped() {
        try {
            stopped.await(stopGrace.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An unexpected failure: the mail goes back to the queue for a later try, never in a tight loop. */
    private void requeue(MailQueue.MailQueueItem item, Mail mail) {
        try {
            queue.enQueue(mail, busyRetryDelay);
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception again) {
            LOGGER.error("cannot put {} back in the queue; the queue redelivers it", mail.getName(), again);
            try {
                item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
            } catch (MailQueue.MailQueueException ignored) {
                // the item's transaction is rolled back when the queue closes: the mail stays queued
            }
        }
    }

    void attempt(Mail mail) throws MessagingException {
        Route route = RouteAttribute.of(mail);
        int failures = intAttribute(mail, FAILURES);
        Instant queuedAt = Instant.ofEpochMilli(mail.getAttribute(FIRST_ATTEMPT)
            .map(attribute -> ((Number) attribute.getValue().getValue()).longValue()).orElse(clock.millis()));
        String messageId = Optional.ofNullable(mail.getMessage().getMessageID()).orElse("");

        List<RecipientOutcome> outcomes = new ArrayList<>();
        List<MailAddress> notTried = new ArrayList<>();
        for (Destination destination : destinations(mail, route)) {
            if (!limits.tryAcquire(destination.key())) {
                notTried.addAll(destination.recipients());
                continue;
            }
            List<RecipientOutcome> results;
            try {
                results = delivery.deliver(destination, mail.getMaybeSender(), mail.getMessage());
            } finally {
                limits.release(destination.key());
            }
            outcomes.addAll(results);
            noteDestination(destination, results);
        }

        Instant now = clock.instant();
        List<RecipientOutcome> failed = new ArrayList<>(outcomes.stream().filter(o -> o.result() == Result.FAILED).toList());
        List<RecipientOutcome> deferred = outcomes.stream().filter(o -> o.result() == Result.DEFERRED).toList();
        boolean expired = !deferred.isEmpty() && !now.isBefore(queuedAt.plus(maxAge));
        for (RecipientOutcome outcome : outcomes) {
            String result = outcome.result() == Result.DEFERRED && expired ? "expired" : outcome.result().name().toLowerCase(Locale.ROOT);
            traces.record(new DeliveryTrace(now.toString(), mail.getName(), messageId, mail.getMaybeSender().asString(""),
                outcome.recipient().asString(), route.destination(), outcome.hop().describe(), outcome.hop().tls(),
                outcome.hop().certificate(), failures + 1, result, outcome.reply().oneLine()), traceRetention);
        }
        if (expired) {
            failed.addAll(deferred);
            deferred = List.of();
        }
        if (!failed.isEmpty()) {
            notify(DsnBuilder.Kind.FAILED, mail, failed, queuedAt);
        }

        List<MailAddress> remaining = new ArrayList<>(notTried);
        deferred.forEach(outcome -> remaining.add(outcome.recipient()));
        if (remaining.isEmpty()) {
            return;
        }
        Duration delay = busyRetryDelay;
        if (!deferred.isEmpty()) {
            failures++;
            mail.setAttribute(new Attribute(FAILURES, AttributeValue.of(failures)));
            Duration untilExpiry = Duration.between(now, queuedAt.plus(maxAge));
            delay = untilExpiry.compareTo(schedule.delayAfter(failures)) < 0 ? untilExpiry : schedule.delayAfter(failures);
            if (delayWarning.isPresent() && !now.isBefore(queuedAt.plus(delayWarning.get()))
                && mail.getAttribute(DELAY_NOTIFIED).isEmpty()) {
                notify(DsnBuilder.Kind.DELAYED, mail, deferred, queuedAt);
                mail.setAttribute(new Attribute(DELAY_NOTIFIED, AttributeValue.of(true)));
            }
        }
        mail.setRecipients(remaining);
        queue.enQueue(mail, delay);
    }

    private void noteDestination(Destination destination, List<RecipientOutcome> results) {
        if (results.stream().anyMatch(o -> o.result() == Result.DELIVERED)) {
            traces.reachable(destination.key());
        }
        results.stream().filter(o -> o.result() == Result.DEFERRED).findFirst().ifPresent(outcome -> {
            String now = clock.instant().toString();
            traces.deferred(new DeliveryTraces.Deferred(destination.key(), now, now, outcome.reply().oneLine(),
                clock.instant().plus(schedule.delays().get(0)).toString()), maxAge);
        });
    }

    /** A DSN to the sender, or, for a mail from the null sender, the failed mail to the repository (never a DSN). */
    private void notify(DsnBuilder.Kind kind, Mail mail, List<RecipientOutcome> outcomes, Instant queuedAt) throws MessagingException {
        if (mail.getMaybeSender().isNullSender()) {
            if (kind == DsnBuilder.Kind.FAILED) {
                LOGGER.warn("mail {} from the null sender could not be delivered to {}: no DSN is sent{}", mail.getName(),
                    outcomes.stream().map(o -> o.recipient().asString()).toList(),
                    failedRepository.isPresent() ? ", it is kept in the failed-delivery repository" : "");
                if (failedRepository.isPresent()) {
                    Mail copy = mail.duplicate();
                    try {
                        copy.setRecipients(outcomes.stream().map(RecipientOutcome::recipient).toList());
                        copy.setErrorMessage(outcomes.get(0).reply().oneLine());
                        failedRepository.get().store(copy);
                    } finally {
                        LifecycleUtil.dispose(copy);
                    }
                }
            }
            return;
        }
        Mail dsn = dsns.build(kind, mail, outcomes, queuedAt, queuedAt.plus(maxAge));
        try {
            getMailetContext().sendMail(dsn);
        } finally {
            LifecycleUtil.dispose(dsn);
        }
    }

    private static List<Destination> destinations(Mail mail, Route route) {
        if (route.kind() != Route.Kind.MX) {
            return List.of(new Destination(route.destination(), route, "", List.copyOf(mail.getRecipients())));
        }
        Map<String, List<MailAddress>> byDomain = new LinkedHashMap<>();
        mail.getRecipients().forEach(recipient -> byDomain
            .computeIfAbsent(recipient.getDomain().asString().toLowerCase(Locale.ROOT), d -> new ArrayList<>()).add(recipient));
        return byDomain.entrySet().stream()
            .map(entry -> new Destination(entry.getKey(), route, entry.getKey(), entry.getValue()))
            .toList();
    }

    private static int intAttribute(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(attribute -> ((Number) attribute.getValue().getValue()).intValue()).orElse(0);
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
