package dev.mailwright.server.modules;

import java.io.File;
import java.util.concurrent.atomic.AtomicInteger;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.jmx.ManagementContext;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded ActiveMQ broker that holds the mail queues (the spool and the outgoing queues) in KahaDB under
 * {@code <data>/queue}.
 *
 * <p>Unlike James's own embedded broker it opens no TCP listener: the server talks to it in-process over
 * {@code vm://}, so no local user can connect to the queues. Every enqueue is synced to disk by the KahaDB journal
 * before the SMTP server answers 250; message bodies go to blob files next to the journal.
 */
public class QueueBroker {
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueBroker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connectionFactory;

    @Inject
    QueueBroker(FileSystem fileSystem) throws Exception {
        File queueDirectory = fileSystem.getFile("file://var/queue");
        // vm:// brokers are registered per JVM by name: a unique name lets tests run two servers in one JVM
        String name = "mailwright-" + INSTANCES.incrementAndGet();

        KahaDBPersistenceAdapter kahaDB = new KahaDBPersistenceAdapter();
        kahaDB.setDirectory(new File(queueDirectory, "kahadb"));
        kahaDB.setJournalDiskSyncStrategy("always");

        broker = new BrokerService();
        broker.setBrokerName(name);
        broker.setBrokerId(name);
        broker.setPersistent(true);
        broker.setDataDirectoryFile(queueDirectory);
        broker.setPersistenceAdapter(kahaDB);
        broker.setUseJmx(false);
        ManagementContext management = new ManagementContext();
        management.setCreateConnector(false);
        broker.setManagementContext(management);
        broker.setUseShutdownHook(false);
        broker.setSchedulerSupport(false);
        broker.setEnableStatistics(true);
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()});
        // a full disk makes an enqueue fail (the SMTP client gets a 4xx and retries) instead of blocking it
        broker.getSystemUsage().setSendFailIfNoSpace(true);
        broker.start();
        broker.waitUntilStarted();
        LOGGER.info("Mail queue broker started, store {}", queueDirectory);

        FileSystemBlobTransferPolicy blobs = new FileSystemBlobTransferPolicy();
        blobs.setFileSystem(fileSystem);
        blobs.setDefaultUploadUrl("file://var/queue/blobs");

        ActiveMQPrefetchPolicy prefetch = new ActiveMQPrefetchPolicy();
        prefetch.setQueuePrefetch(0);
        prefetch.setTopicPrefetch(0);

        connectionFactory = new ActiveMQConnectionFactory("vm://" + name + "?create=false");
        connectionFactory.setTrustAllPackages(false);
        connectionFactory.setBlobTransferPolicy(blobs);
        connectionFactory.setPrefetchPolicy(prefetch);
        // A mail taken from a queue but not acknowledged (a stop or crash mid-processing) goes back to the queue.
        // ActiveMQ's default moves a message to ActiveMQ.DLQ after 6 such redeliveries, where no one would look:
        // mail is never parked there; James's spooler counts processing failures itself (error repository).
        RedeliveryPolicy redelivery = new RedeliveryPolicy();
        redelivery.setMaximumRedeliveries(RedeliveryPolicy.NO_MAXIMUM_REDELIVERIES);
        connectionFactory.setRedeliveryPolicy(redelivery);
    }

    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    @PreDestroy
    public void stop() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
        LOGGER.info("Mail queue broker stopped");
    }
}
