package dev.mailwright.server.modules;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;

/**
 * James's ActiveMQ mail queues on our {@link QueueBroker}. Created by Guice so that the queues are closed
 * ({@code @PreDestroy} of the parent) before the broker stops.
 */
public class MailQueues extends ActiveMQMailQueueFactory {
    @Inject
    MailQueues(QueueBroker broker, MailQueueItemDecoratorFactory decorators, MetricFactory metricFactory,
               GaugeRegistry gaugeRegistry, ActiveMQMetricCollector metricCollector) {
        super(broker.connectionFactory(), decorators, metricFactory, gaugeRegistry, metricCollector);
    }
}
