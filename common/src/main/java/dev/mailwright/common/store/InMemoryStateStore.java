package dev.mailwright.common.store;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

import javax.inject.Inject;
import javax.inject.Singleton;

/** {@link StateStore} in memory: for tests, and the fallback when no database store is bound. Lost on restart. */
@Singleton
public class InMemoryStateStore implements StateStore {
    private final Clock clock;
    private final Map<String, ConcurrentNavigableMap<String, Entry>> namespaces = new ConcurrentHashMap<>();

    @Inject
    public InMemoryStateStore(Clock clock) {
        this.clock = clock;
    }

    public InMemoryStateStore() {
        this(Clock.systemUTC());
    }

    @Override
    public Optional<Entry> get(String namespace, String key) {
        return Optional.ofNullable(namespace(namespace).get(key)).filter(this::live);
    }

    @Override
    public void put(String namespace, String key, String value, Duration ttl) {
        namespace(namespace).put(key, new Entry(key, value, 0, clock.instant().plus(ttl)));
    }

    @Override
    public long increment(String namespace, String key, long delta, Duration ttl) {
        return namespace(namespace).compute(key, (k, existing) -> {
            if (existing == null || !live(existing)) {
                return new Entry(k, null, delta, clock.instant().plus(ttl));
            }
            return new Entry(k, existing.value(), existing.count() + delta, existing.expiresAt());
        }).count();
    }

    @Override
    public boolean remove(String namespace, String key) {
        Entry removed = namespace(namespace).remove(key);
        return removed != null && live(removed);
    }

    @Override
    public List<Entry> scan(String namespace, String keyPrefix, int limit) {
        return namespace(namespace).tailMap(keyPrefix, true).values().stream()
            .takeWhile(entry -> entry.key().startsWith(keyPrefix))
            .filter(this::live)
            .limit(limit)
            .toList();
    }

    @Override
    public int purgeExpired() {
        int[] purged = {0};
        namespaces.values().forEach(map -> map.values().removeIf(entry -> {
            boolean expired = !live(entry);
            if (expired) {
                purged[0]++;
            }
            return expired;
        }));
        return purged[0];
    }

    private boolean live(Entry entry) {
        return entry.expiresAt().isAfter(clock.instant());
    }

    private ConcurrentNavigableMap<String, Entry> namespace(String namespace) {
        return namespaces.computeIfAbsent(namespace, n -> new ConcurrentSkipListMap<>());
    }
}
