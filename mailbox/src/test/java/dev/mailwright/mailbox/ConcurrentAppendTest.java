package dev.mailwright.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.james.core.Username;
import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;

import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;

import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestMailboxManagers;
import dev.mailwright.mailbox.support.TestStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * 25 writers append to one folder through the reactive API (as LocalDelivery and IMAP APPEND do) while a listener
 * registered like an IMAP session's (its work on Reactor's bounded-elastic threads) and a reader watch: events come
 * in UID order without gaps, SELECT counters never run ahead of the events, nothing deadlocks.
 */
class ConcurrentAppendTest {
    private static final Username ALICE = Username.of("alice@example.test");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void writersListenersAndReadersOfOneFolder() throws Exception {
        UpdatableTickingClock clock = new UpdatableTickingClock(java.time.Instant.now());
        MailwrightMailboxManager manager = TestMailboxManagers.create(TestStore.on(TestDatabase.derby(), clock), Set.of(), clock);
        MailboxSession session = manager.createSystemSession(ALICE);
        manager.createMailbox(MailboxPath.inbox(ALICE), session);
        MessageManager inbox = manager.getMailbox(MailboxPath.inbox(ALICE), session);

        List<Long> seen = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        EventListener.ReactiveEventListener session1 = new EventListener.ReactiveEventListener() {
            @Override
            public Publisher<Void> reactiveEvent(Event event) {
                return Mono.fromRunnable(() -> {
                    if (event instanceof MailboxEvents.Added added) {
                        seen.addAll(added.getUids().stream().map(uid -> uid.asLong()).toList());
                    }
                }).subscribeOn(Schedulers.boundedElastic()).then();
            }
        };
        Mono.from(manager.getEventBus().register(session1, new MailboxIdRegistrationKey(inbox.getId()))).block();

        AtomicBoolean done = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    long count = inbox.getMetaDataReactive(MessageManager.MailboxMetaData.RecentMode.IGNORE, session,
                        EnumSet.of(MessageManager.MailboxMetaData.Item.MailboxCounters)).block().getMessageCount();
                    if (count > seen.size()) {
                        problems.add("SELECT counted " + count + " messages, the session had been told of " + seen.size());
                    }
                    Flux.from(inbox.search(SearchQuery.matchAll(), session)).collectList().block();
                } catch (Exception e) {
                    problems.add("reader: " + e);
                }
            }
        });
        reader.start();

        int writers = 25;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    byte[] content = ("Subject: w" + writer + " m" + i + "\r\n\r\nbody " + writer + " " + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    try {
                        Mono.from(inbox.appendMessageReactive(MessageManager.AppendCommand.builder().isDelivery(writer % 2 == 0).build(content), session))
                            .block(Duration.ofMinutes(2));
                    } catch (Exception e) {
                        problems.add("writer " + writer + ": " + e);
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(4, TimeUnit.MINUTES)).as("writers ended (no deadlock)").isTrue();
        done.set(true);
        reader.join();

        assertThat(problems).isEmpty();
        List<Long> expected = new ArrayList<>();
        for (long uid = 1; uid <= writers * each; uid++) {
            expected.add(uid);
        }
        assertThat(seen).as("events in UID order, none missing").containsExactlyElementsOf(expected);
        assertThat(inbox.getMessageCount(session)).isEqualTo(writers * each);
    }
}
