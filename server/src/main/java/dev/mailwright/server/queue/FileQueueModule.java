package dev.mailwright.server.queue;

import javax.inject.Singleton;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;

/** The mail queues: {@link FileMailQueues} under {@code <data>/queue}, and their health check. */
public class FileQueueModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(FileMailQueues.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(QueueFolderHealthCheck.class);
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> provideManageableQueues(FileMailQueues queues) {
        return queues;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> provideQueues(FileMailQueues queues) {
        return queues;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> provideMailQueues(FileMailQueues queues) {
        return queues;
    }
}
