package dev.mailwright.smtp.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;
import javax.inject.Singleton;

import dev.mailwright.common.store.InMemoryStateStore;
import dev.mailwright.common.store.StateStore;

/**
 * Fixed-window counters and short-lived locks of the rate limits and the AUTH guard, in this server's memory, shared
 * by all its SMTP listeners (a user's submissions on 587 and 465 count together).
 *
 * <p>Why not the database store: these counters change on every connection, message and recipient, on the SMTP
 * network threads; a database round trip each time would put database latency (and outages) on every SMTP command.
 * A restart resetting the current windows is harmless. Several servers sharing one database (a Mailwright cluster,
 * docs/cluster.md) bind a subclass that adds up every server's counts in batches instead.
 * Expired entries are purged every minute, as a side effect of counting.
 */
@Singleton
public class LocalCounters {
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

    private final Clock clock;
    private final StateStore store;
    private final AtomicReference<Instant> nextPurge;

    @Inject
    public LocalCounters() {
        this(Clock.systemUTC());
    }

    public LocalCounters(Clock clock) {
        this.clock = clock;
        this.store = new InMemoryStateStore(clock);
        this.nextPurge = new AtomicReference<>(clock.instant().plus(PURGE_INTERVAL));
    }

    /**
     * Whether other servers count into the same counters (a cluster): a count may then jump past a value instead of
     * reaching it, so thresholds must be tested with {@code >=}.
     */
    public boolean shared() {
        return false;
    }

    /** Counts one event for {@code key} in its current window of length {@code window}; returns the count so far. */
    public long hit(String namespace, String key, Duration window) {
        purgeWhenDue();
        return store.increment(namespace, key, 1, window);
    }

    /** When the current window (or lock) of {@code key} ends; empty if there is none. */
    public Optional<Instant> endOf(String namespace, String key) {
        return store.get(namespace, key).map(StateStore.Entry::expiresAt);
    }

    public void hold(String namespace, String key, Duration duration) {
        purgeWhenDue();
        store.put(namespace, key, "", duration);
    }

    public boolean isHeld(String namespace, String key) {
        return store.get(namespace, key).isPresent();
    }

    /** Seconds until {@code end}: what a refusal tells the client to wait. */
    public long secondsUntil(Instant end) {
        return waitSeconds(Duration.between(clock.instant(), end));
    }

    /** A wait in whole seconds, rounded up, at least one. */
    public static long waitSeconds(Duration remaining) {
        return Math.max(1, (remaining.toMillis() + 999) / 1000);
    }

    private void purgeWhenDue() {
        Instant now = clock.instant();
        Instant due = nextPurge.get();
        if (now.isAfter(due) && nextPurge.compareAndSet(due, now.plus(PURGE_INTERVAL))) {
            store.purgeExpired();
        }
    }
}
