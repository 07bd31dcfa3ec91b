package dev.mailwright.server.modules;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The read caches of this server ({@link CachedReads}), by name ({@code domains}, {@code users}...), so that a
 * write made through another server of a cluster empties the same cache here ({@code cluster/CacheInvalidationBus}).
 * Alone, a server only ever forgets on its own writes.
 */
public final class ReadCaches {
    private final Map<String, CachedReads> caches = new ConcurrentHashMap<>();
    private volatile Consumer<String> writeListener = name -> { };

    CachedReads register(String name, CachedReads cache) {
        caches.put(name, cache);
        cache.onWrite(() -> writeListener.accept(name));
        return cache;
    }

    /** {@code listener} is told the name of the cache after each write through this server. */
    public void onLocalWrite(Consumer<String> listener) {
        this.writeListener = listener;
    }

    /** Empties the cache {@code name} (unknown names are ignored: another version may have more caches). */
    public void forget(String name) {
        CachedReads cache = caches.get(name);
        if (cache != null) {
            cache.forget();
        }
    }

    public Set<String> names() {
        return Set.copyOf(caches.keySet());
    }
}
