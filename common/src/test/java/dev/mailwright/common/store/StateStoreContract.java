package dev.mailwright.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * What every {@link StateStore} guarantees. Implementations extend this with a store whose clock the test moves
 * ({@link #advance}).
 */
public abstract class StateStoreContract {

    protected abstract StateStore store();

    /** Moves the store's clock forward. */
    protected abstract void advance(Duration duration);

    @Test
    void putThenGet() {
        store().put("greylist", "k1", "v1", Duration.ofMinutes(5));

        assertThat(store().get("greylist", "k1")).hasValueSatisfying(entry -> {
            assertThat(entry.value()).isEqualTo("v1");
            assertThat(entry.key()).isEqualTo("k1");
        });
        assertThat(store().get("greylist", "other")).isEmpty();
        assertThat(store().get("other-namespace", "k1")).isEmpty();
    }

    @Test
    void entriesExpire() {
        store().put("ns", "k", "v", Duration.ofSeconds(10));
        advance(Duration.ofSeconds(11));

        assertThat(store().get("ns", "k")).isEmpty();
        assertThat(store().scan("ns", "", 10)).isEmpty();
    }

    @Test
    void putReplaces() {
        store().put("ns", "k", "v1", Duration.ofSeconds(10));
        store().put("ns", "k", "v2", Duration.ofMinutes(10));
        advance(Duration.ofSeconds(11));

        assertThat(store().get("ns", "k")).hasValueSatisfying(entry -> assertThat(entry.value()).isEqualTo("v2"));
    }

    @Test
    void countersCountWithinAFixedWindow() {
        assertThat(store().increment("rate", "ip", 1, Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(store().increment("rate", "ip", 1, Duration.ofSeconds(60))).isEqualTo(2);
        advance(Duration.ofSeconds(30));
        assertThat(store().increment("rate", "ip", 3, Duration.ofSeconds(60))).isEqualTo(5);
        advance(Duration.ofSeconds(31));
        assertThat(store().increment("rate", "ip", 1, Duration.ofSeconds(60))).as("new window").isEqualTo(1);
        assertThat(store().get("rate", "ip")).hasValueSatisfying(entry -> assertThat(entry.count()).isEqualTo(1));
    }

    @Test
    void removeReportsWhetherTheKeyWasThere() {
        store().put("ns", "k", "v", Duration.ofSeconds(10));

        assertThat(store().remove("ns", "k")).isTrue();
        assertThat(store().remove("ns", "k")).isFalse();
        assertThat(store().get("ns", "k")).isEmpty();
    }

    @Test
    void scanListsByPrefixInKeyOrder() {
        store().put("trace", "m2/1", "b", Duration.ofMinutes(1));
        store().put("trace", "m1/2", "a2", Duration.ofMinutes(1));
        store().put("trace", "m1/1", "a1", Duration.ofMinutes(1));
        store().put("trace", "m10/1", "x", Duration.ofMinutes(1));

        assertThat(store().scan("trace", "m1/", 10)).extracting(StateStore.Entry::value).containsExactly("a1", "a2");
        assertThat(store().scan("trace", "m", 2)).extracting(StateStore.Entry::key).containsExactly("m1/1", "m1/2");
    }

    @Test
    void purgeDeletesOnlyExpiredEntries() {
        store().put("ns", "short", "v", Duration.ofSeconds(1));
        store().put("ns", "long", "v", Duration.ofHours(1));
        advance(Duration.ofSeconds(2));

        assertThat(store().purgeExpired()).isEqualTo(1);
        assertThat(store().get("ns", "long")).isPresent();
    }
}
