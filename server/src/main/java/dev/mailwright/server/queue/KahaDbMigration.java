package dev.mailwright.server.queue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail queued by Mailwright 0.1.0 (ActiveMQ, KahaDB store in {@code <data>/queue/kahadb}) moves into the file
 * queues at the first start of a later version: the old broker is started once, every mail of each of its queues is
 * copied into the file queue of the same name (keeping its due time), the broker is stopped and the old store renamed
 * aside ({@code kahadb.migrated-<time>}, {@code blobs.migrated-<time>}) so that it is not read again.
 *
 * <p>If the server goes down during the copy, the old store is still in place and is copied again at the next start:
 * the mails copied the first time may then be delivered twice, none is lost.
 */
final class KahaDbMigration {
    private static final Logger LOGGER = LoggerFactory.getLogger(KahaDbMigration.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private KahaDbMigration() {
    }

    /** What was moved, per queue name; empty when there was no old store. */
    static Map<String, Integer> migrateIfNeeded(FileSystem fileSystem, FileMailQueues target, MetricFactory metrics,
                                                Clock clock) throws Exception {
        Path root = target.root();
        Path store = root.resolve("kahadb");
        Map<String, Integer> moved = new TreeMap<>();
        if (!Files.isDirectory(store)) {
            return moved;
        }
        LOGGER.info("A queue store of Mailwright 0.1.0 (ActiveMQ) is in {}: its mail moves into the file queues", store);
        try (KahaDbBroker broker = new KahaDbBroker(fileSystem)) {
            for (String name : broker.queueNames()) {
                moved.put(name, copy(broker, MailQueueName.of(name), target, metrics, clock));
            }
        }
        String stamp = STAMP.format(Instant.now(clock));
        Files.move(store, root.resolve("kahadb.migrated-" + stamp));
        if (Files.isDirectory(root.resolve("blobs"))) {
            Files.move(root.resolve("blobs"), root.resolve("blobs.migrated-" + stamp));
        }
        LOGGER.info("Former queue store moved into the file queues ({} per queue); it is kept, no longer read, as {}",
            moved, root.resolve("kahadb.migrated-" + stamp));
        return moved;
    }

    private static int copy(KahaDbBroker broker, MailQueueName name, FileMailQueues target, MetricFactory metrics,
                            Clock clock) throws Exception {
        int count = 0;
        ManageableMailQueue destination = target.createQueue(name);
        try (ActiveMQCacheableMailQueue source = new ActiveMQCacheableMailQueue(broker.connectionFactory(),
            new RawMailQueueItemDecoratorFactory(), name, true, metrics, new NoopGaugeRegistry())) {
            ManageableMailQueue.MailQueueIterator views = source.browse();
            try {
                while (views.hasNext()) {
                    ManageableMailQueue.MailQueueItemView view = views.next();
                    Duration delay = view.getNextDelivery()
                        .map(due -> Duration.between(Instant.now(clock), due.toInstant()))
                        .filter(wait -> !wait.isNegative())
                        .orElse(Duration.ZERO);
                    destination.enQueue(view.getMail(), delay);
                    LifecycleUtil.dispose(view.getMail());
                    count++;
                }
            } finally {
                views.close();
            }
        }
        LOGGER.info("Queue {}: {} mail(s) moved from the former store", name.asString(), count);
        return count;
    }
}
