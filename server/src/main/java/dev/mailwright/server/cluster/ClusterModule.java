package dev.mailwright.server.cluster;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import javax.inject.Singleton;

import org.apache.james.backends.rabbitmq.RabbitMQConfiguration;
import org.apache.james.backends.rabbitmq.RabbitMQConnectionFactory;
import org.apache.james.backends.rabbitmq.RabbitMQHealthCheck;
import org.apache.james.backends.rabbitmq.ReactorRabbitMQChannelPool;
import org.apache.james.backends.rabbitmq.ReceiverProvider;
import org.apache.james.backends.rabbitmq.SimpleConnectionPool;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusId;
import org.apache.james.events.EventBusReconnectionHandler;
import org.apache.james.events.KeyReconnectionHandler;
import org.apache.james.events.EventDeadLetters;
import org.apache.james.events.EventSerializer;
import org.apache.james.events.NamingStrategy;
import org.apache.james.events.RabbitMQEventBus;
import org.apache.james.events.RegistrationKey;
import org.apache.james.events.RetryBackoffConfiguration;
import org.apache.james.events.RoutingKeyConverter;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.event.json.MailboxEventSerializer;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.metrics.api.MetricFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;

import dev.mailwright.common.store.StateStore;
import dev.mailwright.server.modules.ReadCaches;
import dev.mailwright.smtp.policy.LocalCounters;

/**
 * What turns a server into one of several sharing PostgreSQL (installed only when {@code conf/cluster.xml} names a
 * RabbitMQ broker; a server alone never loads it):
 * <ul>
 *   <li>mailbox events on James's RabbitMQ event bus instead of the in-memory one, so that IMAP sessions (IDLE,
 *       NOOP, EXPUNGE responses) on one server learn of messages stored or removed through another;</li>
 *   <li>the read caches emptied on every server when one of them writes ({@link CacheInvalidationBus});</li>
 *   <li>rate limits and AUTH failures counted by all servers together ({@link SharedCounters}).</li>
 * </ul>
 * Greylisting, delivery traces and the mailboxes are already in the shared database; mail queues stay per server.
 */
public class ClusterModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(ClusterModule.class);

    private final ClusterSettings settings;

    public ClusterModule(ClusterSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void configure() {
        bind(ClusterSettings.class).toInstance(settings);
        bind(EventBusId.class).toInstance(EventBusId.of(UUID.randomUUID()));
        bind(NamingStrategy.class).toInstance(NamingStrategy.MAILBOX_EVENT_NAMING_STRATEGY);
        bind(EventBus.class).to(ClusterEventBus.class);
        bind(LocalCounters.class).to(SharedCounters.class);
        bind(EventSerializer.class).to(PortableEventSerializer.class);
        bind(MessageId.Factory.class).to(PortableEventSerializer.Factory.class);
        bind(ClusterLifecycle.class).asEagerSingleton();
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(RabbitMQHealthCheck.class);
    }

    @Provides
    @Singleton
    RabbitMQConfiguration provideRabbitMqConfiguration() {
        URI amqp = settings.rabbitMqUri();
        // the management API is not used by the event bus; James's configuration needs one all the same
        URI management = URI.create("http://" + amqp.getHost() + ":15672");
        return RabbitMQConfiguration.builder()
            .amqpUri(amqp)
            .managementUri(management)
            .managementCredentials(new RabbitMQConfiguration.ManagementCredentials("guest", "guest".toCharArray()))
            .maxRetries(3)
            .minDelayInMs(500)
            .connectionTimeoutInMs(10_000)
            .build();
    }

    @Provides
    @Singleton
    SimpleConnectionPool provideConnections(RabbitMQConfiguration configuration) {
        SimpleConnectionPool pool = new SimpleConnectionPool(new RabbitMQConnectionFactory(configuration),
            SimpleConnectionPool.Configuration.builder().retries(3).initialDelay(java.time.Duration.ofMillis(500)));
        return pool;
    }

    @Provides
    @Singleton
    ReactorRabbitMQChannelPool provideChannels(SimpleConnectionPool connections, MetricFactory metrics) {
        ReactorRabbitMQChannelPool channels = new ReactorRabbitMQChannelPool(connections.getResilientConnection(),
            ReactorRabbitMQChannelPool.Configuration.DEFAULT, metrics);
        channels.start();
        return channels;
    }

    @Provides
    @Singleton
    ReceiverProvider provideReceivers(ReactorRabbitMQChannelPool channels) {
        return channels::createReceiver;
    }

    @Provides
    @Singleton
    RoutingKeyConverter provideRoutingKeys(MailboxId.Factory mailboxIds) {
        return new RoutingKeyConverter(Set.<RegistrationKey.Factory>of(new MailboxIdRegistrationKey.Factory(mailboxIds)));
    }

    /** Started here, before anything can register on it (IMAP sessions, the group listeners at James's start). */
    @Provides
    @Singleton
    RabbitMQEventBus provideRabbitMqEventBus(NamingStrategy naming, SimpleConnectionPool connections,
                                             ReactorRabbitMQChannelPool channels, ReceiverProvider receivers,
                                             EventSerializer serializer, RetryBackoffConfiguration retries,
                                             RoutingKeyConverter routingKeys, EventDeadLetters deadLetters,
                                             MetricFactory metrics, EventBusId id, RabbitMQConfiguration configuration) {
        RabbitMQEventBus bus = new RabbitMQEventBus(naming, channels.getSender(), receivers, serializer, retries,
            routingKeys, deadLetters, metrics, channels, id, configuration);
        bus.start();
        // after a lost connection: declare this server's queue again and restart the bus's consumers
        connections.init(Set.of(new KeyReconnectionHandler(naming, id, configuration), new EventBusReconnectionHandler(bus)));
        LOGGER.info("Cluster node {}: mailbox events on RabbitMQ {} (event bus {})", settings.nodeName(),
            settings.describeBroker(), id.asString());
        return bus;
    }

    @Provides
    @Singleton
    PortableEventSerializer provideSerializer(MailboxEventSerializer json) {
        return new PortableEventSerializer(json);
    }

    @Provides
    @Singleton
    PortableEventSerializer.Factory provideMessageIds(DefaultMessageId.Factory store) {
        return new PortableEventSerializer.Factory(store);
    }

    @Provides
    @Singleton
    ClusterEventBus provideEventBus(RabbitMQEventBus bus) {
        return new ClusterEventBus(bus);
    }

    @Provides
    @Singleton
    SharedCounters provideCounters(StateStore store) {
        return new SharedCounters(store, Clock.systemUTC(), settings.counterSync());
    }

    @Provides
    @Singleton
    CacheInvalidationBus provideCacheInvalidation(ReadCaches caches) throws IOException, TimeoutException {
        return CacheInvalidationBus.start(settings, caches);
    }

    /**
     * Starts the cache invalidation with the injector and stops the cluster's parts at the server's stop (instances
     * made by provider methods get no {@code @PreDestroy} call from James; this Guice-made one does): the last
     * counts are shared, then the broker connections closed.
     */
    @Singleton
    public static class ClusterLifecycle {
        private final CacheInvalidationBus invalidation;
        private final SharedCounters counters;
        private final RabbitMQEventBus bus;
        private final ReactorRabbitMQChannelPool channels;
        private final SimpleConnectionPool connections;

        @javax.inject.Inject
        ClusterLifecycle(CacheInvalidationBus invalidation, SharedCounters counters, RabbitMQEventBus bus,
                         ReactorRabbitMQChannelPool channels, SimpleConnectionPool connections) {
            this.invalidation = invalidation;
            this.counters = counters;
            this.bus = bus;
            this.channels = channels;
            this.connections = connections;
        }

        @javax.annotation.PreDestroy
        public void stop() {
            counters.close();
            invalidation.close();
            try {
                bus.stop();
                channels.close();
                connections.close();
            } catch (RuntimeException e) {
                LOGGER.debug("Closing the event bus", e);
            }
        }
    }
}
