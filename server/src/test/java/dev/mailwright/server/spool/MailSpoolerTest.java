package dev.mailwright.server.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.mailetcontainer.api.MailProcessor;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

class MailSpoolerTest {
    private final FakeSpool spool = new FakeSpool();
    private final List<Mail> errorRepository = new CopyOnWriteArrayList<>();
    private final List<String> processed = new CopyOnWriteArrayList<>();
    private MailProcessor behaviour = mail -> processed.add(mail.getName());
    private MailSpooler spooler;
    @TempDir
    Path journalFolder;

    @AfterEach
    void stop() {
        if (spooler != null) {
            spooler.dispose();
        }
    }

    private MailSpooler start(String stopGrace) throws Exception {
        return startOn(spool, stopGrace);
    }

    private MailSpooler startOn(MailQueue queue, String stopGrace) throws Exception {
        MetricFactory metrics = mock(MetricFactory.class);
        when(metrics.timer(anyString())).thenReturn(mock(TimeMetric.class));
        MailRepository repository = mock(MailRepository.class);
        when(repository.store(any())).thenAnswer(invocation -> {
            errorRepository.add(invocation.getArgument(0));
            return null;
        });
        MailRepositoryStore repositories = mock(MailRepositoryStore.class);
        when(repositories.select(any(MailRepositoryUrl.class))).thenReturn(repository);
        @SuppressWarnings("unchecked")
        MailQueueFactory<MailQueue> queues = mock(MailQueueFactory.class);
        when(queues.createQueue(any(), any())).thenReturn(queue);
        ConfigurationProvider configurationProvider = mock(ConfigurationProvider.class);
        when(configurationProvider.getConfiguration(anyString())).thenThrow(new IllegalStateException("not in this test"));

        MailProcessor processor = mail -> behaviour.service(mail);
        spooler = new MailSpooler(metrics, new NoopGaugeRegistry(), processor, repositories, queues, configurationProvider,
            new InFlightJournal(journalFolder));
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("threads", 2);
        configuration.addProperty("errorRepository", "memory://var/mail/error/");
        configuration.addProperty("stopGrace", stopGrace);
        spooler.configure(configuration);
        spooler.init();
        return spooler;
    }

    private static Mail mail(String name) throws MessagingException {
        return MailImpl.builder().name(name).sender("a@example.test").addRecipient(new MailAddress("b@example.test")).build();
    }

    @Test
    void aStackOverflowErrorKeepsTheMailInTheErrorRepositoryAndTheSpoolGoesOn() throws Exception {
        behaviour = mail -> {
            if (mail.getName().equals("poison")) {
                throw new StackOverflowError();
            }
            processed.add(mail.getName());
        };
        start("5 seconds");

        spool.enQueue(mail("poison"));
        spool.enQueue(mail("clean"));

        await().atMost(Duration.ofSeconds(10)).until(() -> spool.status("poison") != null && spool.status("clean") != null);
        assertThat(spool.status("poison")).isEqualTo(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        assertThat(errorRepository).extracting(Mail::getName).containsExactly("poison");
        assertThat(errorRepository.get(0).getErrorMessage()).contains("StackOverflowError");
        assertThat(processed).containsExactly("clean");
    }

    @Test
    void anExceptionQueuesTheMailAgainWithACountThenKeepsItAfterFiveFailures() throws Exception {
        behaviour = mail -> {
            throw new MessagingException("database down");
        };
        start("5 seconds");

        spool.enQueue(mail("unlucky"));

        await().atMost(Duration.ofSeconds(10)).until(() -> errorRepository.size() == 1);
        assertThat(spool.enqueued()).isEqualTo(1 + MailSpooler.MAX_FAILURES);
        assertThat(errorRepository.get(0).getAttribute(MailSpooler.MAIL_PROCESSING_ERROR_COUNT)).isPresent();
        assertThat(spool.pending()).isZero();
    }

    @Test
    void aMailWhoseRequeueFailsIsKeptInHandAndQueuedAgainOnceTheQueueWorks() throws Exception {
        behaviour = mail -> {
            if (mail.getAttribute(MailSpooler.MAIL_PROCESSING_ERROR_COUNT).isEmpty()) {
                throw new MessagingException("no space left on device");
            }
            processed.add(mail.getName());
        };
        spool.failNextEnqueues(2);
        spool.breakRollbacks();
        start("5 seconds");

        spool.enQueue(mail("disk-full"));

        // the first two requeues fail (the queue's disk is full, so a rollback would fail too and leave the mail in
        // a dead session until a restart): the mail is kept in hand, the third requeue works, the retry delivers it
        await().atMost(Duration.ofSeconds(15)).until(() -> processed.contains("disk-full"));
        assertThat(spool.status("disk-full")).isEqualTo(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        assertThat(spool.failedEnqueues()).isEqualTo(2);
        assertThat(errorRepository).isEmpty();
    }

    @Test
    void aMailWhoseRequeueFailsAtStopStaysInTheSpool() throws Exception {
        behaviour = mail -> {
            throw new MessagingException("no space left on device");
        };
        spool.failNextEnqueues(1_000);
        start("5 seconds");

        spool.enQueue(mail("at-stop"));
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.failedEnqueues() >= 1);
        spooler.dispose();
        spooler = null;

        assertThat(spool.status("at-stop")).isEqualTo(MailQueue.MailQueueItem.CompletionStatus.REJECT);
        assertThat(spool.pending()).as("rolled back into the spool").isEqualTo(1);
    }

    @Test
    void aStopNeverAcknowledgesAMailStillBeingProcessedNorInterruptsIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        behaviour = mail -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            processed.add(mail.getName());
        };
        start("200 ms");
        spool.enQueue(mail("slow"));
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.taken() == 1);

        spooler.dispose();
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> processed.contains("slow"));
        assertThat(interrupted).isFalse();
        Thread.sleep(200);
        assertThat(spool.status("slow")).as("left for the next start").isNull();
    }

    @Test
    void mailsThatFinishWithinTheGraceAreAcknowledged() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        behaviour = mail -> {
            started.countDown();
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            processed.add(mail.getName());
        };
        start("5 seconds");
        spool.enQueue(mail("quick"));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        spooler.dispose();

        assertThat(spool.status("quick")).isEqualTo(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
    }

    @Test
    void aMailLeftUnacknowledgedIsMarkedProcessedBeforeAtTheNextStartAndAFreshOneIsNot() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        behaviour = mail -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        start("100 ms");
        spool.enQueue(mail("cut"));
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.taken() == 1);
        spooler.dispose();
        release.countDown();
        spooler = null;

        Map<String, Object> seen = new ConcurrentHashMap<>();
        behaviour = mail -> {
            seen.put(mail.getName(), mail.getAttribute(DeliverOnce.PROCESSED_BEFORE).isPresent());
            seen.put(mail.getName() + ".id", mail.getAttribute(DeliverOnce.SPOOL_ID).orElseThrow().getValue().value());
        };
        // as the next start finds the mail in the persistent spool again (same in-flight marks folder)
        FakeSpool nextStart = new FakeSpool();
        nextStart.enQueue(mail("cut"));
        nextStart.enQueue(mail("fresh"));
        startOn(nextStart, "5 seconds");

        await().atMost(Duration.ofSeconds(10)).until(() -> nextStart.status("cut") != null && nextStart.status("fresh") != null);
        assertThat(seen).containsEntry("cut", true).containsEntry("fresh", false).containsEntry("cut.id", "cut");
    }

    @Test
    void aMailRetriedAfterAFailureIsMarkedProcessedBefore() throws Exception {
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        AtomicBoolean failed = new AtomicBoolean();
        behaviour = mail -> {
            seen.put(mail.getName() + (failed.get() ? ".retry" : ".first"), mail.getAttribute(DeliverOnce.PROCESSED_BEFORE).isPresent());
            if (!failed.getAndSet(true)) {
                throw new MessagingException("half delivered");
            }
        };
        start("5 seconds");
        spool.enQueue(mail("retried"));

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsKey("retried.retry"));
        assertThat(seen).containsEntry("retried.first", false).containsEntry("retried.retry", true);
    }

    @Test
    void aMailIsProcessedAgainFromTheStateItStartedInAndItsLongErrorMessageFitsTheRepository() throws Exception {
        Map<String, String> statesSeen = new ConcurrentHashMap<>();
        AtomicBoolean failed = new AtomicBoolean();
        behaviour = mail -> {
            statesSeen.put(failed.get() ? "retry" : "first", mail.getState());
            if (!failed.getAndSet(true)) {
                mail.setState("local-delivery");
                mail.setErrorMessage("x".repeat(500));
                throw new MessagingException("database down");
            }
        };
        start("5 seconds");
        spool.enQueue(mail("moved"));

        await().atMost(Duration.ofSeconds(10)).until(() -> statesSeen.containsKey("retry"));
        assertThat(statesSeen).containsEntry("first", Mail.DEFAULT).containsEntry("retry", Mail.DEFAULT);
        assertThat(MailSpooler.fit("y".repeat(500))).hasSize(200).endsWith("...");
    }

    /** A spool queue in memory: a taken item is done or rolled back (REJECT puts it back), like a JMS session. */
    static class FakeSpool implements MailQueue {
        private final BlockingQueue<Mail> pending = new LinkedBlockingQueue<>();
        private final Map<String, MailQueueItem.CompletionStatus> statuses = new ConcurrentHashMap<>();
        private volatile int enqueued;
        private volatile int taken;

        @Override
        public MailQueueName getName() {
            return MailQueueFactory.SPOOL;
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            enQueue(mail);
        }

        private int enqueuesToFail;
        private volatile int failedEnqueues;

        private volatile boolean rollbacksBroken;

        synchronized void failNextEnqueues(int count) {
            enqueuesToFail = count;
        }

        /** A rolled-back item is not put back (a JMS rollback that failed on a full disk) and the rollback throws. */
        void breakRollbacks() {
            rollbacksBroken = true;
        }

        int failedEnqueues() {
            return failedEnqueues;
        }

        @Override
        public synchronized void enQueue(Mail mail) throws MailQueueException {
            if (enqueuesToFail > 0 && taken > 0) {
                enqueuesToFail--;
                failedEnqueues++;
                throw new MailQueueException("No space left on device");
            }
            enqueued++;
            // a copy with the same name, as the JMS queue stores one
            pending.add(MailImpl.builder().name(mail.getName()).sender(mail.getMaybeSender()).addRecipients(mail.getRecipients())
                .addAttributes(mail.attributes().collect(java.util.stream.Collectors.toList())).build());
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return Mono.fromCallable(() -> {
                enQueue(mail);
                return null;
            }).then();
        }

        @Override
        public Publisher<MailQueueItem> deQueue() {
            return Mono.fromCallable(() -> pending.poll(100, TimeUnit.MILLISECONDS))
                .repeat()
                .filter(Objects::nonNull)
                .map(mail -> {
                    taken++;
                    return (MailQueueItem) new MailQueueItem() {
                        @Override
                        public Mail getMail() {
                            return mail;
                        }

                        @Override
                        public void done(CompletionStatus status) throws MailQueueException {
                            statuses.put(mail.getName(), status);
                            if (status == CompletionStatus.REJECT && rollbacksBroken) {
                                throw new MailQueueException("No space left on device");
                            }
                            if (status == CompletionStatus.REJECT) {
                                pending.add(mail);
                            }
                        }
                    };
                });
        }

        MailQueueItem.CompletionStatus status(String name) {
            return statuses.get(name);
        }

        int enqueued() {
            return enqueued;
        }

        int taken() {
            return taken;
        }

        int pending() {
            return pending.size();
        }

        @Override
        public void close() {
        }
    }
}
