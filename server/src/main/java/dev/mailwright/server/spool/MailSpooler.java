package dev.mailwright.server.spool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailetcontainer.api.MailProcessor;
import org.apache.james.mailetcontainer.impl.JamesMailSpooler;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.util.DurationParser;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;

import reactor.core.publisher.Flux;

/**
 * The spooler: takes each mail the SMTP server accepted from the persistent spool queue, runs it through the mailet
 * processors, and acknowledges it only when that ended. Replaces James's {@code JamesMailSpooler}, which loses
 * mail: it disposes a mail when its processing is cancelled at stop while the worker still processes it, and an
 * error processor that then fails makes the mail "processed" (acknowledged, gone); it also catches only
 * exceptions, so a {@code StackOverflowError} left the queue entry unacknowledged and the worker slot lost.
 *
 * <p>What this one guarantees:
 * <ul>
 *   <li>any {@link Throwable} of a mail's processing is handled ({@link SpoolFailure}): queued again with a failure
 *       count after a growing delay, or kept in the error repository ({@code <errorRepository>}) with the reason as
 *       error message;</li>
 *   <li>a clean stop waits up to {@code <stopGrace>} (default 5 s) for the mails being processed, never interrupts
 *       them, and acknowledges nothing that ends later: those mails stay in the spool and are processed again at the
 *       next start (at least once, never lost);</li>
 *   <li>the dequeue loop survives queue errors (one log line, then it tries again a second later).</li>
 * </ul>
 */
public class MailSpooler extends JamesMailSpooler {
    static final int MAX_FAILURES = 5;
    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    /** Waits before queueing a failed mail again when the queue itself cannot be written (full disk): 1 s up to 30 s. */
    static final Duration FIRST_HANDLING_RETRY = Duration.ofSeconds(1);
    static final Duration LAST_HANDLING_RETRY = Duration.ofSeconds(30);
    private static final Logger LOGGER = LoggerFactory.getLogger(MailSpooler.class);
    private static final String SPOOL_PROCESSING = "spoolProcessing";

    private final MetricFactory metricFactory;
    private final MailProcessor mailProcessor;
    private final MailRepositoryStore mailRepositoryStore;
    private final MailQueueFactory<?> queueFactory;
    private final ConfigurationProvider configurationProvider;
    private final InFlightJournal journal;
    private final AtomicInteger inFlight = new AtomicInteger();

    private Configuration configuration;
    private Duration stopGrace = DEFAULT_STOP_GRACE;
    private MailQueue queue;
    private MailRepository errorRepository;
    private ExecutorService workers;
    private Semaphore freeWorkers;
    private Thread dequeueLoop;
    private volatile boolean stopping;
    private volatile boolean acknowledging;

    @Inject
    public MailSpooler(MetricFactory metricFactory, GaugeRegistry gaugeRegistry, MailProcessor mailProcessor,
                       MailRepositoryStore mailRepositoryStore, MailQueueFactory<?> queueFactory,
                       ConfigurationProvider configurationProvider, InFlightJournal journal) {
        super(metricFactory, gaugeRegistry, mailProcessor, mailRepositoryStore, queueFactory);
        this.configurationProvider = configurationProvider;
        this.journal = journal;
        this.metricFactory = metricFactory;
        this.mailProcessor = mailProcessor;
        this.mailRepositoryStore = mailRepositoryStore;
        this.queueFactory = queueFactory;
        gaugeRegistry.register(SPOOL_PROCESSING + ".inFlight", inFlight::get);
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> config) {
        super.configure(config);
        stopGrace = stopGrace(config);
    }

    /** James passes its own configuration object, which has no {@code <stopGrace>}: that one is read here. */
    @Override
    public void configure(Configuration configuration) {
        this.configuration = configuration;
        try {
            stopGrace = stopGrace(configurationProvider.getConfiguration("mailetcontainer").configurationAt("spooler"));
        } catch (Exception e) {
            stopGrace = DEFAULT_STOP_GRACE;
        }
    }

    private static Duration stopGrace(HierarchicalConfiguration<ImmutableNode> spooler) {
        return DurationParser.parse(spooler.getString("stopGrace", DEFAULT_STOP_GRACE.toSeconds() + " seconds"));
    }

    @Override
    public void init() {
        if (!configuration.isEnabled()) {
            LOGGER.info("Spooler off (<threads>0</threads>)");
            return;
        }
        int threads = configuration.getConcurrencyLevel();
        errorRepository = select();
        queue = queueFactory.createQueue(MailQueueFactory.SPOOL, MailQueueFactory.prefetchCount(threads));
        start(threads);
        LOGGER.info("Spooler started: {} threads, error repository {}, stop grace {}", threads,
            configuration.getErrorRepositoryURL().asString(), stopGrace);
    }

    private MailRepository select() {
        try {
            return mailRepositoryStore.select(configuration.getErrorRepositoryURL());
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new IllegalStateException("cannot open the spooler's error repository " + configuration.getErrorRepositoryURL(), e);
        }
    }

    private void start(int threads) {
        stopping = false;
        acknowledging = true;
        freeWorkers = new Semaphore(threads);
        workers = Executors.newFixedThreadPool(threads, named("spooler-", true));
        dequeueLoop = named("spool-dequeue", true).newThread(this::dequeueLoop);
        dequeueLoop.start();
    }

    private void dequeueLoop() {
        while (!stopping) {
            try {
                freeWorkers.acquire();
            } catch (InterruptedException e) {
                return;
            }
            MailQueueItem item;
            try {
                item = Flux.from(queue.deQueue()).next().block();
            } catch (RuntimeException e) {
                freeWorkers.release();
                if (stopping) {
                    return;
                }
                LOGGER.warn("Cannot take the next mail from the spool ({}); trying again in a second", e.getMessage());
                pause();
                continue;
            }
            if (item == null) {
                freeWorkers.release();
                continue;
            }
            if (stopping) {
                leaveInQueue(item);
                freeWorkers.release();
                return;
            }
            workers.execute(() -> {
                try {
                    process(item);
                } finally {
                    freeWorkers.release();
                }
            });
        }
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void process(MailQueueItem item) {
        Mail mail = item.getMail();
        String name = mail.getName();
        // a mail processed before (it failed, or the server went down while processing it) may already be in some
        // mailboxes: DeliverOnce looks before delivering it again
        boolean processedBefore = journal.wasInFlight(name) || failureCount(mail) > 0;
        journal.begin(name);
        mail.setAttribute(new Attribute(DeliverOnce.SPOOL_ID, AttributeValue.of(name)));
        if (processedBefore) {
            mail.setAttribute(new Attribute(DeliverOnce.PROCESSED_BEFORE, AttributeValue.of(true)));
        } else {
            mail.removeAttribute(DeliverOnce.PROCESSED_BEFORE);
        }
        List<MailAddress> originalRecipients = ImmutableList.copyOf(mail.getRecipients());
        String originalState = mail.getState();
        TimeMetric timer = metricFactory.timer(SPOOL_PROCESSING);
        inFlight.incrementAndGet();
        try {
            mailProcessor.service(mail);
            complete(item, mail);
        } catch (Throwable failure) {
            if (!acknowledging) {
                LOGGER.warn("Mail {} was being processed when the server stopped; it stays in the spool for the next start",
                    mail.getName());
                return;
            }
            // processed again from where it started: a mail that failed in local-delivery and was retried from
            // there met the next failure in James's error processor, and stayed in the error path for good
            // (PostgresOutageIT: mails kept in the spool after the database was back)
            mail.setRecipients(originalRecipients);
            mail.setState(originalState);
            mail.setErrorMessage(null);
            handleFailure(item, mail, failure);
        } finally {
            inFlight.decrementAndGet();
            timer.stopAndPublish();
            LifecycleUtil.dispose(mail);
        }
    }

    private void complete(MailQueueItem item, Mail mail) {
        if (!acknowledging) {
            // the stop grace ended while it was processed: other components may already be gone, so its outcome
            // cannot be trusted; processing it again at the next start may deliver it twice, never loses it
            LOGGER.warn("Mail {} finished after the spooler stopped; it stays in the spool for the next start", mail.getName());
            return;
        }
        acknowledge(item, mail.getName());
    }

    private void acknowledge(MailQueueItem item, String name) {
        if (done(item, CompletionStatus.SUCCESS)) {
            journal.end(name);
        } else {
            journal.notAcknowledged(name);
        }
    }

    private static int failureCount(Mail mail) {
        return mail.getAttribute(MAIL_PROCESSING_ERROR_COUNT)
            .flatMap(attribute -> attribute.getValue().valueAs(Integer.class))
            .orElse(0);
    }

    private void handleFailure(MailQueueItem item, Mail mail, Throwable failure) {
        int failures = failureCount(mail) + 1;
        Duration wait = FIRST_HANDLING_RETRY;
        while (true) {
            try {
                queueAgainOrKeep(mail, failure, failures);
                break;
            } catch (Throwable cannotHandle) {
                if (stopping || !acknowledging) {
                    // in the spool still (never acknowledged): taken again at the next start
                    LOGGER.error("Mail {} could not be queued again nor kept ({}); it stays in the spool", mail.getName(),
                        cannotHandle.toString());
                    done(item, CompletionStatus.REJECT);
                    return;
                }
                // Kept in hand while the queue cannot be written (a full disk): the mail is still in the spool
                // (never acknowledged), and is queued again as usual as soon as there is room (DiskFullIT).
                LOGGER.error("Mail {} could not be queued again nor kept ({}); trying again in {}", mail.getName(),
                    cannotHandle.toString(), wait);
                if (!pauseUnlessStopping(wait)) {
                    LOGGER.error("Mail {} stays in the spool for the next start", mail.getName());
                    done(item, CompletionStatus.REJECT);
                    return;
                }
                wait = SpoolFailure.longer(wait, LAST_HANDLING_RETRY);
            }
        }
        acknowledge(item, mail.getName());
    }

    private void queueAgainOrKeep(Mail mail, Throwable failure, int failures) throws Exception {
        if (SpoolFailure.decide(failure, failures, MAX_FAILURES) == SpoolFailure.RETRY) {
            Duration delay = SpoolFailure.retryDelay(failures);
            LOGGER.error("Processing mail {} failed ({} time(s)); it is processed again in {}", mail.getName(), failures,
                delay, failure);
            mail.setAttribute(new Attribute(MAIL_PROCESSING_ERROR_COUNT, AttributeValue.of(failures)));
            queue.enQueue(mail, delay);
        } else {
            LOGGER.error("Processing mail {} failed ({} time(s)): {}; it is kept in {}", mail.getName(), failures,
                failure, configuration.getErrorRepositoryURL().asString(), failure instanceof StackOverflowError ? null : failure);
            mail.setErrorMessage(fit("Processing failed: " + failure));
            errorRepository.store(mail);
        }
    }

    /** Sleeps {@code wait} in short steps; false as soon as the spooler stops. */
    private boolean pauseUnlessStopping(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            if (stopping || !acknowledging) {
                return false;
            }
            try {
                Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopping && acknowledging;
    }

    /** The JPA mail repository keeps at most 200 characters of error message (longer ones fail the store). */
    static String fit(String errorMessage) {
        return errorMessage.length() <= 200 ? errorMessage : errorMessage.substring(0, 197) + "...";
    }

    private static boolean done(MailQueueItem item, CompletionStatus status) {
        try {
            item.done(status);
            return true;
        } catch (Exception e) {
            LOGGER.warn("Cannot acknowledge mail {} in the spool: {}", item.getMail().getName(), e.toString());
            return false;
        }
    }

    private static void leaveInQueue(MailQueueItem item) {
        done(item, CompletionStatus.REJECT);
    }

    @PreDestroy
    @Override
    public void dispose() {
        if (workers == null) {
            return;
        }
        stopping = true;
        dequeueLoop.interrupt();
        workers.shutdown();
        try {
            dequeueLoop.join(Duration.ofSeconds(2).toMillis());
            if (!workers.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOGGER.warn("{} mail(s) still being processed after {}: they stay in the spool and are processed again at the next start",
                    inFlight.get(), stopGrace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        acknowledging = false;
        workers = null;
        LOGGER.info("Spooler stopped");
    }

    @Override
    public void restart() {
        dispose();
        start(configuration.getConcurrencyLevel());
    }

    @Override
    public int getThreadCount() {
        return configuration.getConcurrencyLevel();
    }

    @Override
    public int getCurrentSpoolCount() {
        return inFlight.get();
    }

    private static ThreadFactory named(String prefix, boolean daemon) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            thread.setDaemon(daemon);
            return thread;
        };
    }
}
