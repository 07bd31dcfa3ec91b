package dev.mailwright.common.filter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The content filters (rspamd, clamd) this server uses, shared by every SMTP listener, the Junk learning and the
 * health check: which are configured, and whether the last call to each failed.
 *
 * <p>After a failure (down, too slow), calls to that filter are not tried again for a short pause: every message
 * meanwhile gets the "not scanned" treatment at once instead of waiting for the deadline again, so a dead or stuck
 * filter does not hold every SMTP transaction (and, in James 3.8.1, a network thread) for the whole deadline.
 */
@Singleton
public class FilterServices {
    /** A filter as configured: its name ({@code rspamd}, {@code clamav}), address, and a liveness probe. */
    public record Service(String name, String address, Supplier<String> probe) {
    }

    /** The last failure of a filter, and until when calls to it are skipped. */
    public record Failure(String reason, Instant at, Instant retryAt) {
    }

    private final Clock clock;
    private final Map<String, Service> services = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    @Inject
    public FilterServices() {
        this(Clock.systemUTC());
    }

    public FilterServices(Clock clock) {
        this.clock = clock;
    }

    /** Called by each hook at start; several listeners register the same filter once. */
    public void register(String name, String address, Supplier<String> probe) {
        services.put(name + " " + address, new Service(name, address, probe));
    }

    public List<Service> services() {
        return List.copyOf(services.values());
    }

    /** Whether calls to {@code name} are paused after a recent failure: the failure, if so. */
    public Optional<Failure> paused(String name) {
        Failure failure = failures.get(name);
        if (failure == null || !clock.instant().isBefore(failure.retryAt())) {
            return Optional.empty();
        }
        return Optional.of(failure);
    }

    public Optional<Failure> lastFailure(String name) {
        return Optional.ofNullable(failures.get(name));
    }

    public void failed(String name, String reason, Duration pause) {
        Instant now = clock.instant();
        failures.put(name, new Failure(reason, now, now.plus(pause)));
    }

    public void succeeded(String name) {
        failures.remove(name);
    }
}
