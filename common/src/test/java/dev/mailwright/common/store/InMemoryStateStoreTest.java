package dev.mailwright.common.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.BeforeEach;

class InMemoryStateStoreTest extends StateStoreContract {
    private MovableClock clock;
    private InMemoryStateStore store;

    @BeforeEach
    void setUp() {
        clock = new MovableClock();
        store = new InMemoryStateStore(clock);
    }

    @Override
    protected StateStore store() {
        return store;
    }

    @Override
    protected void advance(Duration duration) {
        clock.now = clock.now.plus(duration);
    }

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-29T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
