package dev.mailwright.server.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.common.store.StateStore;
import dev.mailwright.smtp.policy.LocalCounters;

/**
 * The rate-limit and AUTH-failure counters of a cluster: counted by all servers together, in the shared database
 * ({@link StateStore}, table {@code MAILWRIGHT_STATE}), in batches.
 *
 * <p>A hit is counted in this server's memory and answered at once (the hooks run on the SMTP network threads: no
 * database round trip there). Every {@code counterSync} (200 ms by default) one background thread adds the hits of
 * the interval to the shared counters (one statement per key hit) and reads back the live counters of every namespace
 * in use (one query per namespace). A server therefore answers with its own hits exactly and with the other
 * servers' hits as of its last read: a limit of N can let through N plus the hits the other servers took during
 * one interval (plus the database's answer time) before all servers refuse. Lockouts ({@link #hold}) are written
 * at the next interval and seen by the others one interval later.
 *
 * <p>When the database does not answer, hits stay counted here and are added once it answers again; meanwhile each
 * server counts alone (as without a cluster).
 */
public class SharedCounters extends LocalCounters {
    private static final Logger LOGGER = LoggerFactory.getLogger(SharedCounters.class);
    private static final int SCAN_LIMIT = 100_000;
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private record Key(String namespace, String key) {
    }

    /** Hits of a key not yet in the shared counter. */
    private static final class Pending {
        final Duration window;
        final Instant firstHit;
        long count;

        Pending(Duration window, Instant firstHit) {
            this.window = window;
            this.firstHit = firstHit;
        }
    }

    private final StateStore store;
    private final Clock clock;
    private final Object lock = new Object();
    /** Hits since the last sync (guarded by lock). */
    private Map<Key, Pending> pending = new HashMap<>();
    /** Hits being added by the running sync (guarded by lock): still counted until the new snapshot includes them. */
    private Map<Key, Pending> inflight = Map.of();
    /** Lockouts not yet written (guarded by lock). */
    private final Map<Key, Duration> holdsToWrite = new HashMap<>();
    /** Lockouts set here, until the snapshot has them (guarded by lock). */
    private final Map<Key, Instant> localHolds = new HashMap<>();
    /** The shared counters and lockouts as last read, per namespace. */
    private volatile Map<String, Map<String, StateStore.Entry>> snapshot = Map.of();
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService syncer;
    private volatile Instant lastWarning = Instant.EPOCH;

    public SharedCounters(StateStore store, Clock clock, Duration sync) {
        super(clock);
        this.store = store;
        this.clock = clock;
        this.syncer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mailwright-shared-counters");
            thread.setDaemon(true);
            return thread;
        });
        syncer.scheduleWithFixedDelay(this::syncQuietly, sync.toMillis(), sync.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public long hit(String namespace, String key, Duration window) {
        namespaces.add(namespace);
        Key id = new Key(namespace, key);
        Instant now = clock.instant();
        synchronized (lock) {
            pending.computeIfAbsent(id, k -> new Pending(window, now)).count++;
            return sharedCount(id, now) + count(inflight.get(id)) + count(pending.get(id));
        }
    }

    @Override
    public Optional<Instant> endOf(String namespace, String key) {
        namespaces.add(namespace);
        Key id = new Key(namespace, key);
        Instant now = clock.instant();
        synchronized (lock) {
            Optional<Instant> shared = live(id, now).map(StateStore.Entry::expiresAt);
            Optional<Instant> held = Optional.ofNullable(localHolds.get(id)).filter(end -> end.isAfter(now));
            if (held.isPresent()) {
                return shared.filter(end -> end.isAfter(held.get())).or(() -> held);
            }
            // the shared window once known; before, the one this server's first hit opened
            return shared.or(() -> Optional.ofNullable(inflight.get(id)).or(() -> Optional.ofNullable(pending.get(id)))
                .map(p -> p.firstHit.plus(p.window))
                .filter(end -> end.isAfter(now)));
        }
    }

    @Override
    public void hold(String namespace, String key, Duration duration) {
        namespaces.add(namespace);
        Key id = new Key(namespace, key);
        synchronized (lock) {
            localHolds.put(id, clock.instant().plus(duration));
            holdsToWrite.put(id, duration);
        }
    }

    @Override
    public boolean isHeld(String namespace, String key) {
        return endOf(namespace, key).isPresent();
    }

    /** One round: add this interval's hits and lockouts to the shared state, then read it all back. */
    void sync() {
        Map<Key, Pending> toAdd;
        Map<Key, Duration> toHold;
        synchronized (lock) {
            toAdd = pending;
            inflight = toAdd;
            pending = new HashMap<>();
            toHold = new HashMap<>(holdsToWrite);
            holdsToWrite.clear();
        }
        try {
            for (Map.Entry<Key, Pending> hit : toAdd.entrySet()) {
                store.increment(hit.getKey().namespace(), hit.getKey().key(), hit.getValue().count, hit.getValue().window);
            }
            for (Map.Entry<Key, Duration> hold : toHold.entrySet()) {
                store.put(hold.getKey().namespace(), hold.getKey().key(), "", hold.getValue());
            }
            Map<String, Map<String, StateStore.Entry>> read = new HashMap<>();
            for (String namespace : List.copyOf(namespaces)) {
                Map<String, StateStore.Entry> entries = new HashMap<>();
                for (StateStore.Entry entry : store.scan(namespace, "", SCAN_LIMIT)) {
                    entries.put(entry.key(), entry);
                }
                read.put(namespace, entries);
            }
            synchronized (lock) {
                snapshot = read;
                inflight = Map.of();
                Instant now = clock.instant();
                localHolds.entrySet().removeIf(hold -> !hold.getValue().isAfter(now)
                    || (!holdsToWrite.containsKey(hold.getKey()) && live(hold.getKey(), now).isPresent()));
            }
        } catch (RuntimeException e) {
            // not added: count them again at the next round (a partly applied round may count some hits twice)
            synchronized (lock) {
                for (Map.Entry<Key, Pending> hit : toAdd.entrySet()) {
                    Pending later = pending.get(hit.getKey());
                    if (later != null) {
                        hit.getValue().count += later.count;
                    }
                    pending.put(hit.getKey(), hit.getValue());
                }
                toHold.forEach(holdsToWrite::putIfAbsent);
                inflight = Map.of();
            }
            throw e;
        }
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            Instant now = clock.instant();
            if (now.isAfter(lastWarning.plus(WARN_EVERY))) {
                lastWarning = now;
                LOGGER.warn("Shared rate and AUTH counters not synchronized (this server counts alone meanwhile): {}", e.getMessage());
            }
        }
    }

    private long sharedCount(Key id, Instant now) {
        return live(id, now).map(StateStore.Entry::count).orElse(0L);
    }

    private Optional<StateStore.Entry> live(Key id, Instant now) {
        return Optional.ofNullable(snapshot.get(id.namespace()))
            .map(entries -> entries.get(id.key()))
            .filter(entry -> entry.expiresAt().isAfter(now));
    }

    private static long count(Pending pending) {
        return pending == null ? 0 : pending.count;
    }

    /** Adds what is still counted here, then stops. */
    public void close() {
        syncer.shutdown();
        try {
            if (syncer.awaitTermination(5, TimeUnit.SECONDS)) {
                sync();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOGGER.debug("Last counter synchronization failed", e);
        }
    }
}
