package dev.mailwright.common.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.google.inject.ImplementedBy;

/**
 * Small keyed state with an expiry, shared by hooks and mailets: greylisting triplets, rate-limit counters, delivery
 * traces, policy caches. Keys live in a namespace (one per feature). Expired entries are invisible.
 *
 * <p>Without a binding (e.g. the jar dropped into a stock James) Guice uses the {@link InMemoryStateStore}; the
 * Mailwright server binds an implementation in its own database, so state survives restarts and nodes sharing
 * PostgreSQL share it. Calls may touch the database: callers on the SMTP event loop keep them few and cache.
 */
@ImplementedBy(InMemoryStateStore.class)
public interface StateStore {

    /** A live entry: value, counter (for entries written by {@link #increment}) and expiry. */
    record Entry(String key, String value, long count, Instant expiresAt) {
    }

    Optional<Entry> get(String namespace, String key);

    /** Sets the value of {@code key}, expiring {@code ttl} from now (replaces value, counter and expiry). */
    void put(String namespace, String key, String value, Duration ttl);

    /**
     * Adds {@code delta} to the counter of {@code key} and returns the new count. An absent or expired key starts
     * from zero with an expiry {@code ttl} from now (a fixed window); a live key keeps its expiry.
     */
    long increment(String namespace, String key, long delta, Duration ttl);

    /** Removes {@code key}; true if it was there. */
    boolean remove(String namespace, String key);

    /** Live entries whose key starts with {@code keyPrefix}, in key order, at most {@code limit}. */
    List<Entry> scan(String namespace, String keyPrefix, int limit);

    /** Deletes expired entries; returns how many. Implementations may also do this on their own. */
    int purgeExpired();
}
