package dev.mailwright.server.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.broker.BrokerService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** A consumer stopped while it waits for mail (JamesMailSpooler and OutboundDelivery stop so) ends without error. */
class StopAwareMailQueueTest {
    BrokerService broker;
    ActiveMQConnectionFactory connections;

    @BeforeEach
    void startBroker() throws Exception {
        broker = new BrokerService();
        broker.setBrokerName("stop-aware-test");
        broker.setPersistent(false);
        broker.setUseJmx(false);
        broker.setUseShutdownHook(false);
        broker.start();
        broker.waitUntilStarted();
        connections = new ActiveMQConnectionFactory("vm://stop-aware-test?create=false");
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
    }

    @Test
    void aConsumerStoppedWhileWaitingForMailEndsWithoutError() throws Exception {
        StopAwareMailQueue queue = new StopAwareMailQueue(connections, new RawMailQueueItemDecoratorFactory(),
            MailQueueName.of("spool"), mock(MetricFactory.class), new NoopGaugeRegistry());

        Outcome outcome = consumeThenStop(queue);

        assertThat(outcome.error.get()).isNull();
        assertThat(outcome.completed).as("the dequeue stream ended").isTrue();
        queue.dispose();
    }

    @Test
    void jamesOwnQueueReportsTheStopAsAnError() throws Exception {
        // what the queue above corrects (JAMES-4036): if a James upgrade fixes it, this test says so
        ActiveMQCacheableMailQueue queue = new ActiveMQCacheableMailQueue(connections, new RawMailQueueItemDecoratorFactory(),
            MailQueueName.of("spool"), true, mock(MetricFactory.class), new NoopGaugeRegistry());

        Outcome outcome = consumeThenStop(queue);

        assertThat(outcome.error.get()).hasMessageContaining("Unable to dequeue next message");
        assertThat(StopAwareMailQueue.interruptedWait(outcome.error.get())).isTrue();
        queue.dispose();
    }

    record Outcome(AtomicReference<Throwable> error, boolean completed) {
    }

    /** Subscribes on a thread of its own, lets it wait in the queue's receive, then disposes that thread. */
    private static Outcome consumeThenStop(MailQueue queue) throws InterruptedException {
        Scheduler waiting = Schedulers.newSingle("dequeue-test");
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        Flux.from(queue.deQueue()).subscribeOn(waiting).subscribe(item -> { }, failure -> {
            error.set(failure);
            ended.countDown();
        }, ended::countDown);
        Thread.sleep(500);

        waiting.dispose();

        boolean completed = ended.await(15, TimeUnit.SECONDS) && error.get() == null;
        return new Outcome(error, completed);
    }
}
