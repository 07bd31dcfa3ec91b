package dev.mailwright.server.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.common.collect.ImmutableSet;

/**
 * The server's mail queues ({@link FileMailQueue}), one folder each under the queue folder ({@code <data>/queue}):
 * the spool, the outgoing queue, any other a mailet creates. Queues are opened (and their folder read) when first
 * asked for; at stop they hand out no more mail, and what they hold stays on disk for the next start.
 */
public class FileMailQueues implements MailQueueFactory<ManageableMailQueue> {
    /** Names used by other parts of the queue folder: never a queue's folder. */
    static final String QUEUE_FOLDER = "file://var/queue";
    static final Set<String> RESERVED = ImmutableSet.of("kahadb", "blobs", "in-flight");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Path root;
    private final MailQueueItemDecoratorFactory decorators;
    private final Clock clock;
    private final MetricFactory metrics;
    private final GaugeRegistry gauges;
    private final Map<MailQueueName, FileMailQueue> queues = new ConcurrentHashMap<>();

    /** Created by Guice (not by a provider method), so that its {@code @PreDestroy} runs at stop. */
    @Inject
    FileMailQueues(FileSystem fileSystem, MailQueueItemDecoratorFactory decorators, MetricFactory metrics,
                   GaugeRegistry gauges) throws Exception {
        this(fileSystem.getFile(QUEUE_FOLDER).toPath(), decorators, metrics, gauges, Clock.systemUTC());
        KahaDbMigration.migrateIfNeeded(fileSystem, this, metrics, clock);
    }

    public FileMailQueues(Path root, MailQueueItemDecoratorFactory decorators, MetricFactory metrics, GaugeRegistry gauges) {
        this(root, decorators, metrics, gauges, Clock.systemUTC());
    }

    FileMailQueues(Path root, MailQueueItemDecoratorFactory decorators, MetricFactory metrics, GaugeRegistry gauges,
                   Clock clock) {
        this.root = root;
        this.decorators = decorators;
        this.metrics = metrics;
        this.gauges = gauges;
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    @Override
    public Optional<ManageableMailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return Optional.ofNullable(queues.get(name));
    }

    @Override
    public ManageableMailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return queues.computeIfAbsent(name, this::open);
    }

    private FileMailQueue open(MailQueueName name) {
        String folder = name.asString();
        if (!SAFE_NAME.matcher(folder).matches() || RESERVED.contains(folder)) {
            throw new IllegalArgumentException("a mail queue name must be letters, digits, '.', '_' or '-' (at most 100, "
                + "not one of " + RESERVED + "): " + folder);
        }
        try {
            return new FileMailQueue(name, root.resolve(folder), decorators, clock, metrics, gauges);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open mail queue " + folder + " in " + root, e);
        }
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return ImmutableSet.copyOf(queues.keySet());
    }

    @PreDestroy
    public void close() {
        queues.values().forEach(FileMailQueue::shutdown);
    }
}
