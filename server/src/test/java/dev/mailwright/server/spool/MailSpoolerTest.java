package dev.mailwright.server.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

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
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

class MailSpoolerTest {
    private final FakeSpool spool = new FakeSpool();
    private final List<Mail> errorRepository = new CopyOnWriteArrayList<>();
    private final List<String> processed = new CopyOnWriteArrayList<>();
    private MailProcessor behaviour = mail -> processed.add(mail.getName());
    private MailSpooler spooler;

    @AfterEach
    void stop() {
        if (spooler != null) {
            spooler.dispose();
        }
    }

    private MailSpooler start(String stopGrace) throws Exception {
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
        when(queues.createQueue(any(), any())).thenReturn(spool);
        ConfigurationProvider configurationProvider = mock(ConfigurationProvider.class);
        when(configurationProvider.getConfiguration(anyString())).thenThrow(new IllegalStateException("not in this test"));

        MailProcessor processor = mail -> behaviour.service(mail);
        spooler = new MailSpooler(metrics, new NoopGaugeRegistry(), processor, repositories, queues, configurationProvider);
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
        public void enQueue(Mail mail, Duration delay) {
            enQueue(mail);
        }

        @Override
        public synchronized void enQueue(Mail mail) {
            enqueued++;
            // a copy with the same name, as the JMS queue stores one
            pending.add(MailImpl.builder().name(mail.getName()).sender(mail.getMaybeSender()).addRecipients(mail.getRecipients())
                .addAttributes(mail.attributes().collect(java.util.stream.Collectors.toList())).build());
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return Mono.fromRunnable(() -> enQueue(mail));
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
                        public void done(CompletionStatus status) {
                            statuses.put(mail.getName(), status);
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
