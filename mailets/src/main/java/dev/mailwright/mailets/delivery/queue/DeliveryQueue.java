package dev.mailwright.mailets.delivery.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The queue part of the outbound delivery (Postfix's queue manager): the persistent queue (James's queue API; in
 * Mailwright the server's file queue, which keeps delays across restarts), the loop that takes mail from it onto a
 * bounded pool of delivery threads, putting a mail back with the delay its {@link Handler} asks for, and a graceful
 * stop.
 */
public final class DeliveryQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryQueue.class);

    /** One delivery attempt of a dequeued mail: empty when the mail is done, else the wait before the next one. */
    public interface Handler {
        Optional<Duration> attempt(Mail mail) throws Exception;
    }

    private final MailQueue queue;
    private final int threads;
    private final Duration stopGrace;
    private final Duration errorRetryDelay;
    /** Deliveries under way; {@link #stop()} lets them finish so that none is cut between re-queue and ack. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private Scheduler workers;
    private Scheduler dequeuer;
    private Disposable loop;

    /**
     * @param threads mails in delivery at once
     * @param stopGrace how long deliveries under way may finish at stop
     * @param errorRetryDelay the wait of a mail whose attempt failed unexpectedly (never a tight loop)
     */
    public DeliveryQueue(MailQueue queue, int threads, Duration stopGrace, Duration errorRetryDelay) {
        this.queue = queue;
        this.threads = threads;
        this.stopGrace = stopGrace;
        this.errorRetryDelay = errorRetryDelay;
    }

    /** Puts a new mail in the queue, for delivery as soon as a thread is free. */
    public void enqueue(Mail mail) throws MailQueue.MailQueueException {
        queue.enQueue(mail);
    }

    /** Starts taking mail from the queue and giving it to {@code handler}. */
    public void start(Handler handler) {
        workers = Schedulers.newBoundedElastic(threads, Integer.MAX_VALUE, "outbound-delivery");
        dequeuer = Schedulers.newSingle("outbound-dequeue");
        // the queue's dequeue blocks: it runs on a thread of its own, deliveries on the workers
        loop = Flux.from(queue.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> process(item, handler)).subscribeOn(workers), threads)
            .onErrorContinue((error, item) -> LOGGER.error("outbound delivery loop error", error))
            .subscribeOn(dequeuer)
            .subscribe();
    }

    /**
     * Stops taking mail from the queue and waits (at most {@code stopGrace}) for the deliveries under way, so that a
     * delivery is never cut between putting the mail back for a retry and acknowledging the queue item (which would
     * leave the mail twice in the queue). Mail taken from the queue after the stop began is not acknowledged: it stays
     * queued for the next start.
     */
    public void stop() {
        stopping = true;
        long deadline = System.nanoTime() + stopGrace.toNanos();
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
    }

    private void process(MailQueue.MailQueueItem item, Handler handler) {
        inFlight.incrementAndGet();
        if (stopping) {
            inFlight.decrementAndGet();
            holdUntilStopped();
            return;
        }
        Mail mail = item.getMail();
        try {
            Optional<Duration> again;
            try {
                again = handler.attempt(mail);
            } catch (Exception e) {
                LOGGER.error("delivery of {} failed unexpectedly; it is retried in {}", mail.getName(), errorRetryDelay, e);
                again = Optional.of(errorRetryDelay);
            }
            if (again.isPresent()) {
                requeue(item, mail, again.get());
            } else {
                item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
            }
        } catch (MailQueue.MailQueueException e) {
            LOGGER.error("cannot acknowledge {} in the queue; the queue redelivers it", mail.getName(), e);
        } finally {
            LifecycleUtil.dispose(mail);
            inFlight.decrementAndGet();
        }
    }

    /**
     * A mail dequeued while stopping is left unacknowledged (it stays in the persistent queue and is taken again
     * at the next start); holding the worker keeps the loop from taking more mail in the meantime.
     */
    private void holdUntilStopped() {
        try {
            stopped.await(stopGrace.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The mail goes back to the queue with its delay; the item it came from is then acknowledged. */
    private void requeue(MailQueue.MailQueueItem item, Mail mail, Duration delay) throws MailQueue.MailQueueException {
        try {
            queue.enQueue(mail, delay);
        } catch (Exception e) {
            LOGGER.error("cannot put {} back in the queue; the queue redelivers it", mail.getName(), e);
            item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
            return;
        }
        item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
    }
}
