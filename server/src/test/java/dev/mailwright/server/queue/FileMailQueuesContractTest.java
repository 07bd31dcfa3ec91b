package dev.mailwright.server.queue;

import java.nio.file.Path;

import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueFactoryContract;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.ManageableMailQueueFactoryContract;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** James 3.8.1's queue factory contracts, run against {@link FileMailQueues}. */
class FileMailQueuesContractTest implements MailQueueFactoryContract<ManageableMailQueue>,
    ManageableMailQueueFactoryContract<ManageableMailQueue> {

    @TempDir
    Path folder;
    FileMailQueues queues;

    @BeforeEach
    void open() {
        queues = new FileMailQueues(folder, new RawMailQueueItemDecoratorFactory(), new RecordingMetricFactory(), new NoopGaugeRegistry());
    }

    @AfterEach
    void close() {
        queues.close();
    }

    @Override
    public MailQueueFactory<ManageableMailQueue> getMailQueueFactory() {
        return queues;
    }
}
