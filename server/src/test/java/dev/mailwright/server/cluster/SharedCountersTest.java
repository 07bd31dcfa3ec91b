package dev.mailwright.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.store.InMemoryStateStore;
import dev.mailwright.common.store.StateStore;
import dev.mailwright.common.testing.TestClock;

/** Two servers' counters on one shared store, synchronized by hand (the background interval is made very long). */
class SharedCountersTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration NEVER = Duration.ofSeconds(10);

    private final TestClock clock = new TestClock();
    private final FailingStore store = new FailingStore(new InMemoryStateStore(clock));
    private final SharedCounters a = new SharedCounters(store, clock, NEVER);
    private final SharedCounters b = new SharedCounters(store, clock, NEVER);

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void eachServerCountsItsOwnHitsAtOnceAndTheOthersAfterASync() {
        assertThat(a.hit("rate", "198.51.100.4", MINUTE)).isEqualTo(1);
        assertThat(a.hit("rate", "198.51.100.4", MINUTE)).isEqualTo(2);
        assertThat(b.hit("rate", "198.51.100.4", MINUTE)).as("B has not heard of A's yet").isEqualTo(1);

        a.sync();
        b.sync();
        a.sync();

        assertThat(a.hit("rate", "198.51.100.4", MINUTE)).isEqualTo(4);
        assertThat(b.hit("rate", "198.51.100.4", MINUTE)).as("A's 4th is not shared yet").isEqualTo(4);
        a.sync();
        b.sync();
        assertThat(b.hit("rate", "198.51.100.4", MINUTE)).isEqualTo(6);
        assertThat(store.get("rate", "198.51.100.4")).hasValueSatisfying(e -> assertThat(e.count()).isEqualTo(5));
    }

    @Test
    void hitsBeingAddedAreStillCountedAndNotCountedTwiceAfterwards() {
        for (int i = 0; i < 5; i++) {
            a.hit("rate", "k", MINUTE);
        }
        a.sync();
        a.sync();
        assertThat(a.hit("rate", "k", MINUTE)).isEqualTo(6);
    }

    @Test
    void theWindowIsTheSharedOneAndEndsForBothServers() {
        // a server reads the namespaces it has used (a hook's first call after the start)
        assertThat(b.endOf("rate", "k")).isEmpty();
        a.hit("rate", "k", MINUTE);
        a.sync();
        clock.advance(Duration.ofSeconds(30));
        b.sync();
        assertThat(b.endOf("rate", "k")).contains(clock.instant().plusSeconds(30));

        assertThat(b.hit("rate", "k", MINUTE)).isEqualTo(2);
        assertThat(b.endOf("rate", "k")).as("the shared window, not one from B's own hit").contains(clock.instant().plusSeconds(30));

        b.sync();

        clock.advance(Duration.ofSeconds(31));
        assertThat(b.hit("rate", "k", MINUTE)).as("a new window").isEqualTo(1);
    }

    @Test
    void aLockoutSetOnOneServerIsSeenByTheOtherAfterTheNextSyncs() {
        a.hold("auth-locked", "203.0.113.7", Duration.ofMinutes(15));
        assertThat(a.isHeld("auth-locked", "203.0.113.7")).isTrue();
        assertThat(b.isHeld("auth-locked", "203.0.113.7")).as("not yet written").isFalse();

        a.sync();
        b.sync();

        assertThat(b.isHeld("auth-locked", "203.0.113.7")).isTrue();
        assertThat(b.endOf("auth-locked", "203.0.113.7")).contains(clock.instant().plus(Duration.ofMinutes(15)));
        clock.advance(Duration.ofMinutes(16));
        assertThat(b.isHeld("auth-locked", "203.0.113.7")).isFalse();
    }

    @Test
    void whileTheDatabaseIsDownHitsAreKeptAndAddedOnceItIsBack() {
        a.hit("rate", "k", MINUTE);
        a.hit("rate", "k", MINUTE);
        store.failing = true;
        assertThatThrownBy(a::sync).isInstanceOf(IllegalStateException.class);
        assertThat(a.hit("rate", "k", MINUTE)).as("still counted here").isEqualTo(3);

        store.failing = false;
        a.sync();
        assertThat(store.get("rate", "k")).hasValueSatisfying(e -> assertThat(e.count()).isEqualTo(3));
        assertThat(a.hit("rate", "k", MINUTE)).isEqualTo(4);
    }

    @Test
    void theCountersSayTheyAreShared() {
        assertThat(a.shared()).isTrue();
    }

    /** A store that fails every call while {@code failing}. */
    private static final class FailingStore implements StateStore {
        private final StateStore delegate;
        volatile boolean failing;

        FailingStore(StateStore delegate) {
            this.delegate = delegate;
        }

        private void check() {
            if (failing) {
                throw new IllegalStateException("database down");
            }
        }

        @Override
        public Optional<Entry> get(String namespace, String key) {
            check();
            return delegate.get(namespace, key);
        }

        @Override
        public void put(String namespace, String key, String value, Duration ttl) {
            check();
            delegate.put(namespace, key, value, ttl);
        }

        @Override
        public long increment(String namespace, String key, long delta, Duration ttl) {
            check();
            return delegate.increment(namespace, key, delta, ttl);
        }

        @Override
        public boolean remove(String namespace, String key) {
            check();
            return delegate.remove(namespace, key);
        }

        @Override
        public List<Entry> scan(String namespace, String keyPrefix, int limit) {
            check();
            return delegate.scan(namespace, keyPrefix, limit);
        }

        @Override
        public int purgeExpired() {
            return delegate.purgeExpired();
        }
    }
}
