package dev.mailwright.server.modules;

import javax.jms.ConnectionFactory;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Throwables;

import reactor.core.publisher.Flux;

/**
 * James's ActiveMQ mail queue, whose dequeue ends quietly when its consumer is stopped.
 *
 * <p>A consumer (James's spooler, our outbound delivery) stops by disposing the thread that waits in the queue's
 * blocking JMS receive, which interrupts it. James 3.8.1 turns that interruption into an error of the dequeue
 * stream ({@code MailQueueException: Unable to dequeue next message ... InterruptedException}, JAMES-4036, fixed
 * in 3.8.2), which Reactor logs as an ERROR with a stack at every clean stop. Here an interrupted wait ends the
 * stream instead: the consumer asked to stop, and the message it was waiting for was not taken (its JMS
 * transaction is rolled back, so it stays queued). Any other dequeue error is passed on unchanged.
 */
class StopAwareMailQueue extends ActiveMQCacheableMailQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(StopAwareMailQueue.class);

    StopAwareMailQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decorators, MailQueueName name,
                       MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
        super(connectionFactory, decorators, name, true, metricFactory, gaugeRegistry);
    }

    @Override
    public Flux<MailQueueItem> deQueue() {
        return super.deQueue().onErrorResume(StopAwareMailQueue::interruptedWait, error -> {
            LOGGER.debug("Dequeue from {} interrupted: its consumer stops", getName().asString());
            return Flux.empty();
        });
    }

    static boolean interruptedWait(Throwable error) {
        return Throwables.getCausalChain(error).stream().anyMatch(InterruptedException.class::isInstance);
    }
}
