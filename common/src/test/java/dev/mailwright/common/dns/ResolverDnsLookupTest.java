package dev.mailwright.common.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import dev.mailwright.common.testing.TestClock;

class ResolverDnsLookupTest {
    private final TestClock clock = new TestClock();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    /** A resolver answering with {@code answers} ({@code null}: never); questions are recorded. */
    private Resolver resolver(Function<Message, Message> answers) {
        return asyncResolver(query -> {
            Message answer = answers.apply(query);
            return answer == null ? new CompletableFuture<>() : CompletableFuture.completedFuture(answer);
        });
    }

    private Resolver asyncResolver(Function<Message, CompletionStage<Message>> answers) {
        return new Resolver() {
            @Override
            public CompletionStage<Message> sendAsync(Message query) {
                asked.add(query.getQuestion().getName() + " " + Type.string(query.getQuestion().getType()));
                return answers.apply(query);
            }

            @Override
            public void setPort(int port) {
            }

            @Override
            public void setTCP(boolean flag) {
            }

            @Override
            public void setIgnoreTruncation(boolean flag) {
            }

            @Override
            public void setEDNS(int version, int payloadSize, int flags, List<org.xbill.DNS.EDNSOption> options) {
            }

            @Override
            public void setTSIGKey(org.xbill.DNS.TSIG key) {
            }

            @Override
            public void setTimeout(Duration timeout) {
            }
        };
    }

    private ResolverDnsLookup lookup(Function<Message, Message> answers, Duration deadline) {
        Resolver resolver = resolver(answers);
        return new ResolverDnsLookup(() -> resolver, () -> false, deadline, clock);
    }

    private static Message reply(Message query, int rcode, Record... answers) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setRcode(rcode);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        for (Record answer : answers) {
            response.addRecord(answer, answer instanceof SOARecord ? Section.AUTHORITY : Section.ANSWER);
        }
        return response;
    }

    private static Name name(String name) throws Exception {
        return Name.fromString(name);
    }

    @Test
    void answersAreCachedForTheirTtl() throws Exception {
        ResolverDnsLookup lookup = lookup(query -> {
            try {
                return reply(query, Rcode.NOERROR, new TXTRecord(name("_dmarc.sender.test."), DClass.IN, 60, "v=DMARC1; p=reject"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(5));

        assertThat(lookup.txt("_dmarc.sender.test").texts()).containsExactly("v=DMARC1; p=reject");
        assertThat(lookup.txt("_DMARC.Sender.Test.").texts()).containsExactly("v=DMARC1; p=reject");
        assertThat(asked).hasSize(1);
        clock.advance(Duration.ofSeconds(61));
        lookup.txt("_dmarc.sender.test");
        assertThat(asked).hasSize(2);
    }

    @Test
    void aNegativeAnswerIsCachedForTheSoaMinimumAndNotWithoutSoa() throws Exception {
        SOARecord soa = new SOARecord(name("sender.test."), DClass.IN, 3600, name("ns.sender.test."), name("admin.sender.test."),
            1, 3600, 600, 86400, 30);
        ResolverDnsLookup withSoa = lookup(query -> reply(query, Rcode.NXDOMAIN, soa), Duration.ofSeconds(5));
        assertThat(withSoa.txt("_dmarc.sender.test").status()).isEqualTo(DnsAnswer.Status.NO_SUCH_NAME);
        withSoa.txt("_dmarc.sender.test");
        assertThat(asked).hasSize(1);
        clock.advance(Duration.ofSeconds(31));
        withSoa.txt("_dmarc.sender.test");
        assertThat(asked).hasSize(2);

        asked.clear();
        ResolverDnsLookup withoutSoa = lookup(query -> reply(query, Rcode.NOERROR), Duration.ofSeconds(5));
        assertThat(withoutSoa.txt("x.test").status()).isEqualTo(DnsAnswer.Status.NO_RECORDS);
        withoutSoa.txt("x.test");
        assertThat(asked).hasSize(2);
    }

    @Test
    void serverFailuresAndTimeoutsAreTemporaryAndNotCached() throws Exception {
        ResolverDnsLookup failing = lookup(query -> reply(query, Rcode.SERVFAIL), Duration.ofSeconds(5));
        assertThat(failing.txt("a.test").status()).isEqualTo(DnsAnswer.Status.TEMPORARY_FAILURE);
        failing.txt("a.test");
        assertThat(asked).hasSize(2);

        ResolverDnsLookup silent = lookup(query -> null, Duration.ofMillis(200));
        long started = System.nanoTime();
        DnsAnswer answer = silent.txt("b.test");
        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.TEMPORARY_FAILURE);
        assertThat(answer.problem()).startsWith("timeout asking b.test.");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void concurrentAskersOfTheSameQuestionShareOneQuery() throws Exception {
        CompletableFuture<Message> answer = new CompletableFuture<>();
        Resolver resolver = asyncResolver(query -> answer.thenApply(ignored -> {
            try {
                return reply(query, Rcode.NOERROR, new TXTRecord(name("popular.test."), DClass.IN, 0, "v=spf1 -all"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        ResolverDnsLookup lookup = new ResolverDnsLookup(() -> resolver, () -> false, Duration.ofSeconds(5), clock);
        List<Thread> askers = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(3, task -> {
            Thread thread = new Thread(task);
            askers.add(thread);
            return thread;
        });
        try {
            List<Future<DnsAnswer>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(threads.submit(() -> lookup.txt("popular.test")));
            }
            // all three are waiting: one for the DNS answer, two for the first one's result (TTL 0: nothing cached)
            await().atMost(Duration.ofSeconds(5)).until(() -> askers.size() == 3
                && askers.stream().allMatch(thread -> thread.getState() == Thread.State.TIMED_WAITING));
            answer.complete(null);
            for (Future<DnsAnswer> result : results) {
                assertThat(result.get().texts()).containsExactly("v=spf1 -all");
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(asked).containsExactly("popular.test. TXT");
    }

    @Test
    void cnamesAreFollowedInTheAnswerAndAcrossQueries() throws Exception {
        ResolverDnsLookup lookup = lookup(query -> {
            try {
                Name asked = query.getQuestion().getName();
                if (asked.equals(name("s1._domainkey.sender.test."))) {
                    return reply(query, Rcode.NOERROR, new CNAMERecord(asked, DClass.IN, 300, name("s1.keys.provider.test.")));
                }
                return reply(query, Rcode.NOERROR, new TXTRecord(asked, DClass.IN, 300, "v=DKIM1; p=KEY"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(5));

        assertThat(lookup.txt("s1._domainkey.sender.test").texts()).containsExactly("v=DKIM1; p=KEY");
        assertThat(asked).containsExactly("s1._domainkey.sender.test. TXT", "s1.keys.provider.test. TXT");

        ResolverDnsLookup inOneAnswer = lookup(query -> {
            try {
                return reply(query, Rcode.NOERROR,
                    new CNAMERecord(name("mx.sender.test."), DClass.IN, 300, name("host.sender.test.")),
                    new ARecord(name("host.sender.test."), DClass.IN, 300, InetAddress.getByName("192.0.2.1")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(5));
        assertThat(inOneAnswer.lookup("mx.sender.test", Type.A).records()).singleElement()
            .extracting(record -> ((ARecord) record).getAddress().getHostAddress()).isEqualTo("192.0.2.1");
    }

    @Test
    void anAnswerIsSecureOnlyWhenTheResolverIsTrustedToValidateAndSetTheAdFlag() throws Exception {
        List<Boolean> adAsked = new CopyOnWriteArrayList<>();
        Function<Message, Message> validated = query -> {
            adAsked.add(query.getHeader().getFlag(Flags.AD));
            try {
                Message response = reply(query, Rcode.NOERROR,
                    new TXTRecord(query.getQuestion().getName(), DClass.IN, 0, "v=spf1 -all"));
                response.getHeader().setFlag(Flags.AD);
                return response;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        Resolver resolver = resolver(validated);

        DnsAnswer trusted = new ResolverDnsLookup(() -> resolver, () -> true, Duration.ofSeconds(5), clock).txt("signed.test");
        assertThat(trusted.secure()).isTrue();
        DnsAnswer untrusted = new ResolverDnsLookup(() -> resolver, () -> false, Duration.ofSeconds(5), clock).txt("signed.test");
        assertThat(untrusted.secure()).as("an AD flag from a resolver we do not trust means nothing").isFalse();
        assertThat(adAsked).containsExactly(true, false);

        Resolver unvalidated = resolver(query -> reply(query, Rcode.NXDOMAIN));
        DnsAnswer insecure = new ResolverDnsLookup(() -> unvalidated, () -> true, Duration.ofSeconds(5), clock).txt("plain.test");
        assertThat(insecure.status()).isEqualTo(DnsAnswer.Status.NO_SUCH_NAME);
        assertThat(insecure.secure()).isFalse();
    }
}
