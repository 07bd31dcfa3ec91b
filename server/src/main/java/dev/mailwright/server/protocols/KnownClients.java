package dev.mailwright.server.protocols;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * Client addresses that delivered mail here recently (like Postfix postscreen's cache of clients that passed): the
 * connection slots kept in reserve are theirs. In memory, bounded (the least recently seen are forgotten first),
 * each entry valid for {@link #TTL}.
 */
@Singleton
public class KnownClients {
    static final Duration TTL = Duration.ofDays(7);
    static final int CAPACITY = 20_000;

    private final Clock clock;
    private final Map<InetAddress, Instant> seen = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Instant> eldest) {
            return size() > CAPACITY;
        }
    };

    @Inject
    public KnownClients() {
        this(Clock.systemUTC());
    }

    KnownClients(Clock clock) {
        this.clock = clock;
    }

    public synchronized void delivered(InetAddress client) {
        seen.put(client, clock.instant());
    }

    public synchronized boolean isKnown(InetAddress client) {
        Instant last = seen.get(client);
        if (last == null) {
            return false;
        }
        if (last.plus(TTL).isBefore(clock.instant())) {
            seen.remove(client);
            return false;
        }
        return true;
    }
}
