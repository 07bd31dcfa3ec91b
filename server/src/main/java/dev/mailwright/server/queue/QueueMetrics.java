package dev.mailwright.server.queue;

import java.util.function.Supplier;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;

/**
 * James's metrics of one mail queue, under James's names (so that dashboards made for James read them): the size
 * ({@code mailQueueSize:<queue>}, a gauge), the mails queued and handed out ({@code enqueuedMail:<queue>},
 * {@code dequeuedMail:<queue>}) and the time an enqueue takes ({@code enqueueTime:<queue>}, its fsyncs included).
 * They appear at {@code GET /metrics} on the WebAdmin port.
 */
final class QueueMetrics {
    private final MetricFactory factory;
    private final String timerName;
    private final Metric enqueued;
    private final Metric dequeued;

    QueueMetrics(MailQueueName queue, MetricFactory factory, GaugeRegistry gauges, Supplier<Long> size) {
        this.factory = factory;
        this.timerName = MailQueue.ENQUEUED_TIMER_METRIC_NAME_PREFIX + queue.asString();
        this.enqueued = factory.generate(MailQueue.ENQUEUED_METRIC_NAME_PREFIX + queue.asString());
        this.dequeued = factory.generate(MailQueue.DEQUEUED_METRIC_NAME_PREFIX + queue.asString());
        gauges.register(MailQueue.QUEUE_SIZE_METRIC_NAME_PREFIX + queue.asString(), size::get);
    }

    /** Started before an enqueue; {@link TimeMetric#stopAndPublish()} once it returned or failed. */
    TimeMetric enqueueTimer() {
        return factory.timer(timerName);
    }

    void enqueued() {
        enqueued.increment();
    }

    void dequeued() {
        dequeued.increment();
    }
}
