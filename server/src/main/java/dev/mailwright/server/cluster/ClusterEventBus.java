package dev.mailwright.server.cluster;

import java.util.Collection;
import java.util.Set;

import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusName;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.RabbitMQEventBus;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * James's RabbitMQ event bus, except that a dispatch never fails the operation that raised the event: the event
 * reached this server's own listeners first (the bus calls them before it publishes), so a message whose
 * transaction committed is delivered even when the broker is unreachable; the other servers' IMAP sessions then
 * learn of it at their next SELECT (docs/cluster.md). James's bus already keeps the group listeners' share in its
 * dead letters.
 */
public final class ClusterEventBus implements EventBus {
    private static final Logger LOGGER = LoggerFactory.getLogger(ClusterEventBus.class);

    private final RabbitMQEventBus delegate;

    public ClusterEventBus(RabbitMQEventBus delegate) {
        this.delegate = delegate;
    }

    @Override
    public Publisher<Registration> register(EventListener.ReactiveEventListener listener, RegistrationKey key) {
        return delegate.register(listener, key);
    }

    @Override
    public Registration register(EventListener.ReactiveEventListener listener, Group group) {
        return delegate.register(listener, group);
    }

    @Override
    public Mono<Void> dispatch(Event event, Set<RegistrationKey> keys) {
        return delegate.dispatch(event, keys)
            .onErrorResume(e -> {
                LOGGER.warn("Event {} not published to the other servers: {}", event.getClass().getSimpleName(), e.getMessage());
                return Mono.empty();
            });
    }

    @Override
    public Mono<Void> reDeliver(Group group, Event event) {
        return delegate.reDeliver(group, event);
    }

    @Override
    public EventBusName eventBusName() {
        return delegate.eventBusName();
    }

    @Override
    public Collection<Group> listRegisteredGroups() {
        return delegate.listRegisteredGroups();
    }
}
