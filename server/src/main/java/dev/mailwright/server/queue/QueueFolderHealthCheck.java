package dev.mailwright.server.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Healthy when the queue folder can be read and a file can be created in it (what every enqueue needs). */
public class QueueFolderHealthCheck implements HealthCheck {
    private static final ComponentName COMPONENT = new ComponentName("Mail queues");

    private final Path root;

    @Inject
    public QueueFolderHealthCheck(FileMailQueues queues) {
        this(queues.root());
    }

    QueueFolderHealthCheck(Path root) {
        this.root = root;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::probe).subscribeOn(Schedulers.boundedElastic());
    }

    Result probe() {
        if (!Files.isDirectory(root) || !Files.isReadable(root)) {
            return Result.unhealthy(COMPONENT, "the queue folder " + root + " cannot be read");
        }
        try {
            Path probe = Files.createTempFile(root, ".health-", ".tmp");
            Files.delete(probe);
            return Result.healthy(COMPONENT);
        } catch (IOException e) {
            return Result.unhealthy(COMPONENT, "the queue folder " + root + " cannot be written: " + e.getMessage());
        }
    }
}
