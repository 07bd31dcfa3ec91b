package dev.mailwright.server.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeoutException;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;

import dev.mailwright.server.modules.ReadCaches;

/**
 * Tells the other servers of the cluster to empty a read cache when a write went through this one, and empties
 * ours when they say so: a fanout exchange on RabbitMQ, one private queue per running server.
 *
 * <p>A message is {@code <server instance id> <cache name>}; a server ignores its own. A message lost while the broker
 * or the connection is down only delays a change by the caches' lifetime (10 s), the bound without a cluster.
 */
public final class CacheInvalidationBus implements AutoCloseable {
    static final String EXCHANGE = "mailwright-cache-invalidation";
    private static final Logger LOGGER = LoggerFactory.getLogger(CacheInvalidationBus.class);

    private final String instance = UUID.randomUUID().toString();
    private final Connection connection;
    private final Channel publishing;
    private final ReadCaches caches;

    private CacheInvalidationBus(Connection connection, Channel publishing, ReadCaches caches) {
        this.connection = connection;
        this.publishing = publishing;
        this.caches = caches;
    }

    /** Connects (with automatic recovery of connection, queue and binding), listens, and hooks the caches' writes. */
    public static CacheInvalidationBus start(ClusterSettings settings, ReadCaches caches) throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.rabbitMqUri());
        } catch (Exception e) {
            throw new IOException("bad RabbitMQ URI " + settings.describeBroker() + ": " + e.getMessage(), e);
        }
        factory.setConnectionTimeout(10_000);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(2_000);
        Connection connection = factory.newConnection("mailwright-cache-invalidation-" + settings.nodeName());
        Channel publishing = connection.createChannel();
        publishing.exchangeDeclare(EXCHANGE, BuiltinExchangeType.FANOUT, true);
        CacheInvalidationBus bus = new CacheInvalidationBus(connection, publishing, caches);
        bus.listen();
        caches.onLocalWrite(bus::publish);
        return bus;
    }

    private void listen() throws IOException {
        Channel consuming = connection.createChannel();
        String queue = consuming.queueDeclare("", false, true, true, null).getQueue();
        consuming.queueBind(queue, EXCHANGE, "");
        DeliverCallback received = (tag, delivery) -> {
            String[] parts = new String(delivery.getBody(), StandardCharsets.UTF_8).split(" ", 2);
            if (parts.length == 2 && !parts[0].equals(instance)) {
                caches.forget(parts[1]);
                LOGGER.debug("Read cache {} emptied after a write through another server", parts[1]);
            }
        };
        consuming.basicConsume(queue, true, received, tag -> { });
    }

    /** Best effort: a failure is logged, never thrown into the write that triggered it. */
    void publish(String cache) {
        byte[] body = (instance + " " + cache).getBytes(StandardCharsets.UTF_8);
        try {
            synchronized (publishing) {
                publishing.basicPublish(EXCHANGE, "", new AMQP.BasicProperties.Builder().deliveryMode(1).build(), body);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("Could not tell the other servers to empty their {} cache (they see the change within 10 s): {}",
                cache, e.getMessage());
        }
    }

    @Override
    public void close() {
        caches.onLocalWrite(name -> { });
        try {
            connection.close(5_000);
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("Closing the cache invalidation connection", e);
        }
    }
}
