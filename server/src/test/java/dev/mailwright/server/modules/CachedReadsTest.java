package dev.mailwright.server.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

import com.google.common.base.Ticker;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.matcher.Matchers;

class CachedReadsTest {
    /** A store whose lookups count how often they reach the "database". */
    public static class Store {
        int lookups;
        boolean present = true;
        /** Runs once in the middle of the next lookup, after the "database" answered (a concurrent write). */
        Runnable whileLooking;

        public boolean contains(String name) {
            lookups++;
            boolean answer = present;
            if (whileLooking != null) {
                Runnable concurrentWrite = whileLooking;
                whileLooking = null;
                concurrentWrite.run();
            }
            return answer;
        }

        public String activeScript(String user) throws NotFound {
            lookups++;
            throw new NotFound();
        }

        public InputStream script(String user) {
            lookups++;
            return new ByteArrayInputStream(new byte[0]);
        }

        public Mono<Boolean> containsReactive(String name) {
            return Mono.fromCallable(() -> {
                lookups++;
                return present;
            });
        }

        public Mono<Void> removeUserReactive(String name) {
            return Mono.fromRunnable(() -> present = false);
        }

        public void addUser(String name) {
            present = true;
        }

        public void removeUser(String name) {
            present = false;
        }
    }

    public static class NotFound extends Exception {
    }

    private Store store(CachedReads cache) {
        return Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bindInterceptor(Matchers.subclassesOf(Store.class), Matchers.any(), cache);
            }
        }).getInstance(Store.class);
    }

    @Test
    void repeatedLookupsAreAnsweredFromTheCache() {
        Store store = store(CachedReads.of(Duration.ofMinutes(1), "contains"));

        assertThat(store.contains("bob")).isTrue();
        assertThat(store.contains("bob")).isTrue();
        assertThat(store.contains("alice")).isTrue();

        assertThat(store.lookups).isEqualTo(2);
    }

    @Test
    void aWriteThroughTheStoreEmptiesTheCache() {
        Store store = store(CachedReads.of(Duration.ofMinutes(1), "contains"));
        store.contains("bob");

        store.removeUser("bob");

        assertThat(store.contains("bob")).isFalse();
        assertThat(store.lookups).isEqualTo(2);
    }

    @Test
    void anAnswerReadWhileAWriteRanIsNotKept() {
        Store store = store(CachedReads.of(Duration.ofMinutes(1), "contains"));
        store.whileLooking = () -> store.removeUser("bob");

        assertThat(store.contains("bob")).as("answered before the write").isTrue();

        assertThat(store.contains("bob")).as("asked again after the write").isFalse();
        assertThat(store.lookups).isEqualTo(2);
    }

    @Test
    void answersExpire() {
        long[] nanos = {0};
        Ticker ticker = new Ticker() {
            @Override
            public long read() {
                return nanos[0];
            }
        };
        Store store = store(new CachedReads(Duration.ofSeconds(10), ticker, Set.of("contains"), Map.of(), Map.of()));
        store.contains("bob");
        nanos[0] += Duration.ofSeconds(11).toNanos();

        store.contains("bob");

        assertThat(store.lookups).isEqualTo(2);
    }

    @Test
    void anAbsenceSaidByAnExceptionIsKeptAndThrownAgain() {
        Store store = store(new CachedReads(Duration.ofMinutes(1), Set.of("activeScript"),
            Map.of("activeScript", NotFound.class), Map.of("activeScript", NotFound::new)));

        assertThatThrownBy(() -> store.activeScript("bob")).isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> store.activeScript("bob")).isInstanceOf(NotFound.class);

        assertThat(store.lookups).isEqualTo(1);
    }

    @Test
    void everyWriteEmptiesTheCacheNotOnlyTheFirstCallOfTheMethod() {
        Store store = store(CachedReads.of(Duration.ofMinutes(1), "contains"));

        for (int round = 1; round <= 3; round++) {
            store.addUser("bob");
            assertThat(store.contains("bob")).isTrue();
            assertThat(store.contains("bob")).isTrue();
            store.removeUser("bob");
            assertThat(store.contains("bob")).isFalse();
            assertThat(store.contains("bob")).isFalse();
        }

        assertThat(store.lookups).isEqualTo(6);
    }

    @Test
    void theKeptAbsenceOfASieveScriptIsAScriptNotFoundExceptionWithoutStackTrace() {
        Exception kept = new NoActiveSieveScript();

        assertThat(kept).isInstanceOf(org.apache.james.sieverepository.api.exception.ScriptNotFoundException.class)
            .hasMessage("No active script");
        assertThat(kept.getStackTrace()).isEmpty();
    }

    @Test
    void streamsAreNeverCached() {
        Store store = store(CachedReads.of(Duration.ofMinutes(1), "script"));
        store.script("bob");
        store.script("bob");

        assertThat(store.lookups).isEqualTo(2);
    }

    @Test
    void aSingleReactiveAnswerIsKeptAsItsValue() {
        Store store = store(CachedReads.of(Duration.ofMinutes(1), "containsReactive"));

        assertThat(store.containsReactive("bob").block()).isTrue();
        assertThat(store.containsReactive("bob").block()).isTrue();

        assertThat(store.lookups).isEqualTo(1);
    }

    @Test
    void aReactiveWriteEmptiesTheCacheOnceItHasRun() {
        Store store = store(CachedReads.of(Duration.ofMinutes(1), "containsReactive"));
        Mono<Void> removal = store.removeUserReactive("bob");
        assertThat(store.containsReactive("bob").block()).as("read before the write runs").isTrue();

        removal.block();

        assertThat(store.containsReactive("bob").block()).isFalse();
    }

    @Test
    void aWriteIsReportedByNameAndAnotherServersWriteEmptiesTheCacheOfThatName() {
        ReadCaches caches = new ReadCaches();
        java.util.List<String> reported = new java.util.ArrayList<>();
        caches.onLocalWrite(reported::add);
        Store users = store(caches.register("users", CachedReads.of(Duration.ofSeconds(10), "contains")));

        users.contains("bob");
        users.present = false;
        assertThat(users.contains("bob")).as("kept").isTrue();
        caches.forget("users");
        assertThat(users.contains("bob")).as("another server wrote").isFalse();
        assertThat(reported).as("forgetting for another server is not reported again").isEmpty();

        users.addUser("bob");
        assertThat(reported).containsExactly("users");
        caches.forget("no-such-cache");
        assertThat(caches.names()).containsExactly("users");
    }
}
