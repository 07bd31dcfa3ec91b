package dev.mailwright.server.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Answers.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import reactor.core.publisher.Flux;

/** A data folder of 0.1.0 (mail queued by ActiveMQ in KahaDB) seen by the file queues. */
class KahaDbMigrationTest {
    @TempDir
    Path data;

    /** {@code file://var/...} in the data folder, as the server's file system maps it. */
    private FileSystem fileSystem() {
        return new FileSystem() {
            @Override
            public InputStream getResource(String url) {
                throw new UnsupportedOperationException(url);
            }

            @Override
            public File getFile(String url) {
                if (url.startsWith("file://")) {
                    return data.resolve(url.substring("file://".length())).toFile();
                }
                return new File(url.substring("file:".length())); // an absolute file: URL (ActiveMQ's blobs)
            }

            @Override
            public File getBasedir() {
                return data.toFile();
            }
        };
    }

    @Test
    void mailQueuedByTheFormerBrokerIsMovedIntoTheFileQueues() throws Exception {
        MetricFactory metrics = mock(MetricFactory.class, RETURNS_DEEP_STUBS);
        try (KahaDbBroker broker = new KahaDbBroker(fileSystem());
             ActiveMQCacheableMailQueue spool = new ActiveMQCacheableMailQueue(broker.connectionFactory(),
                 new RawMailQueueItemDecoratorFactory(), MailQueueName.of("spool"), true, metrics, new NoopGaugeRegistry());
             ActiveMQCacheableMailQueue outgoing = new ActiveMQCacheableMailQueue(broker.connectionFactory(),
                 new RawMailQueueItemDecoratorFactory(), MailQueueName.of("outgoing"), true, metrics, new NoopGaugeRegistry())) {
            for (int i = 1; i <= 3; i++) {
                spool.enQueue(MailImpl.builder().name("spooled-" + i).sender("sender@example.org").addRecipient("rcpt@example.com")
                    .addAttribute(new Attribute(AttributeName.of("kept"), AttributeValue.of(i)))
                    .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("old " + i).setText("body " + i)).build());
            }
            outgoing.enQueue(MailImpl.builder().name("retry-later").sender("sender@example.org").addRecipient("far@example.net")
                .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("later").setText("later")).build(), Duration.ofHours(1));
        }

        Path root = data.resolve("var/queue");
        FileMailQueues queues = new FileMailQueues(root, new RawMailQueueItemDecoratorFactory(), new RecordingMetricFactory(), new NoopGaugeRegistry());
        try {
            Map<String, Integer> moved = KahaDbMigration.migrateIfNeeded(fileSystem(), queues,
                mock(MetricFactory.class, RETURNS_DEEP_STUBS), Clock.systemUTC());

            assertThat(moved).containsEntry("spool", 3).containsEntry("outgoing", 1);
            ManageableMailQueue spool = queues.createQueue(MailQueueName.of("spool"));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MailQueueItem item = Flux.from(spool.deQueue()).next().block(Duration.ofSeconds(10));
                names.add(item.getMail().getName());
                assertThat(item.getMail().getMessage().getSubject()).startsWith("old ");
                assertThat(item.getMail().getAttribute(AttributeName.of("kept"))).isPresent();
                item.done(MailQueueItem.CompletionStatus.SUCCESS);
            }
            assertThat(names).containsExactlyInAnyOrder("spooled-1", "spooled-2", "spooled-3");
            ManageableMailQueue outgoing = queues.createQueue(MailQueueName.of("outgoing"));
            ManageableMailQueue.MailQueueItemView later = outgoing.browse().next();
            assertThat(later.getMail().getName()).isEqualTo("retry-later");
            assertThat(later.getNextDelivery()).hasValueSatisfying(due ->
                assertThat(due.toInstant()).isAfter(java.time.Instant.now().plus(Duration.ofMinutes(50))));

            assertThat(root.resolve("kahadb")).doesNotExist();
            try (Stream<Path> files = Files.list(root)) {
                assertThat(files.map(path -> path.getFileName().toString()))
                    .anyMatch(name -> name.startsWith("kahadb.migrated-"));
            }
            // the next start finds no former store
            assertThat(KahaDbMigration.migrateIfNeeded(fileSystem(), queues, mock(MetricFactory.class), Clock.systemUTC())).isEmpty();
        } finally {
            queues.close();
        }
    }

    @Test
    void aDataFolderWithoutFormerStoreIsLeftAlone() throws Exception {
        FileMailQueues queues = new FileMailQueues(data.resolve("var/queue"), new RawMailQueueItemDecoratorFactory(), new RecordingMetricFactory(), new NoopGaugeRegistry());
        assertThat(KahaDbMigration.migrateIfNeeded(fileSystem(), queues, mock(MetricFactory.class), Clock.systemUTC())).isEmpty();
        queues.close();
    }
}
