package dev.mailwright.server.queue;

import java.io.File;
import java.util.concurrent.atomic.AtomicInteger;

import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.jmx.ManagementContext;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.activemq.util.DefaultIOExceptionHandler;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.activemq.FileSystemBlobTransferPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded ActiveMQ broker of Mailwright 0.1.0, whose KahaDB store under {@code <data>/queue/kahadb} (message
 * bodies in {@code blobs/}) held the mail queues. Only {@link KahaDbMigration} starts it now, once, to move what such
 * a store holds into the file queues; configured exactly as 0.1.0 ran it, so that it reads that store as written.
 *
 * <p>It opens no TCP listener: it is reached in-process over {@code vm://}.
 */
final class KahaDbBroker implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(KahaDbBroker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connectionFactory;

    KahaDbBroker(FileSystem fileSystem) throws Exception {
        File queueDirectory = fileSystem.getFile(FileMailQueues.QUEUE_FOLDER);
        // vm:// brokers are registered per JVM by name: a unique name lets tests run two servers in one JVM
        String name = "mailwright-kahadb-" + INSTANCES.incrementAndGet();

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
        // A write error of the store (a full disk, whatever ActiveMQ's message) fails that operation only: the
        // enqueue fails (the client gets 451, never 250) or the acknowledgement does (the mail comes back). ActiveMQ's
        // default stops the whole broker on some of them, and the server then took no mail until restarted
        // (DiskFullIT); the store takes writes again as soon as there is room.
        DefaultIOExceptionHandler ioErrors = new DefaultIOExceptionHandler();
        ioErrors.setIgnoreAllErrors(true);
        broker.setIoExceptionHandler(ioErrors);
        broker.start();
        broker.waitUntilStarted();
        LOGGER.info("ActiveMQ broker of the former queue store started on {}", queueDirectory);

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

    ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /** The queues of the store (James names each JMS queue after its mail queue). */
    java.util.List<String> queueNames() throws Exception {
        return broker.getBroker().getDurableDestinations().stream()
            .filter(destination -> destination.isQueue())
            .map(destination -> destination.getPhysicalName())
            .filter(name -> !name.startsWith("ActiveMQ."))
            .sorted()
            .toList();
    }

    @Override
    public void close() throws Exception {
        broker.stop();
        broker.waitUntilStopped();
        LOGGER.info("ActiveMQ broker of the former queue store stopped");
    }
}
