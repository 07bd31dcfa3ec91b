package dev.mailwright.server.queue;

import java.nio.file.Path;

import org.apache.james.queue.api.DelayedMailQueueContract;
import org.apache.james.queue.api.DelayedManageableMailQueueContract;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueContract;
import org.apache.james.queue.api.MailQueueMetricContract;
import org.apache.james.queue.api.MailQueueMetricExtension;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.ManageableMailQueueContract;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * James 3.8.1's own mail queue contracts, run against {@link FileMailQueue}, its metrics included. Not run: the
 * priority contracts (the queue has no priorities: mail is taken in order); see {@code server/README.md}.
 */
class FileMailQueueContractTest implements MailQueueContract, ManageableMailQueueContract, DelayedMailQueueContract,
    DelayedManageableMailQueueContract, MailQueueMetricContract {

    @TempDir
    Path folder;
    FileMailQueues queues;
    ManageableMailQueue queue;

    @BeforeEach
    void open(MailQueueMetricExtension.MailQueueMetricTestSystem metrics) {
        queues = new FileMailQueues(folder, new RawMailQueueItemDecoratorFactory(), metrics.getMetricFactory(),
            metrics.getSpyGaugeRegistry());
        queue = queues.createQueue(MailQueueName.of("spool"));
    }

    @AfterEach
    void close() {
        queues.close();
    }

    @Override
    public MailQueue getMailQueue() {
        return queue;
    }

    @Override
    public ManageableMailQueue getManageableMailQueue() {
        return queue;
    }
}
