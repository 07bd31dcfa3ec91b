package dev.mailwright.server.modules;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;

/**
 * James's ActiveMQ mail queues on our {@link QueueBroker}. Created by Guice so that the queues are closed
 * ({@code @PreDestroy} of the parent) before the broker stops. Each queue is a {@link StopAwareMailQueue}: a
 * consumer stopped while it waits for mail ends quietly.
 */
public class MailQueues extends ActiveMQMailQueueFactory {
    private final ActiveMQMetricCollector metricCollector;

    @Inject
    MailQueues(QueueBroker broker, MailQueueItemDecoratorFactory decorators, MetricFactory metricFactory,
               GaugeRegistry gaugeRegistry, ActiveMQMetricCollector metricCollector) {
        super(broker.connectionFactory(), decorators, metricFactory, gaugeRegistry, metricCollector);
        this.metricCollector = metricCollector;
    }

    @Override
    protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
        metricCollector.collectQueueStatistics(name);
        return new StopAwareMailQueue(connectionFactory, mailQueueItemDecoratorFactory, name, metricFactory, gaugeRegistry);
    }
}
