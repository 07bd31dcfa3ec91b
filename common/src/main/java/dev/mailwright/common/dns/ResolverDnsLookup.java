package dev.mailwright.common.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption.Code;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * {@link DnsLookup} on a dnsjava {@link Resolver}: the Mailwright server gives it the resolver of
 * {@code conf/dnsservice.xml} (validating DNSSEC when configured); in a stock James, where this class is created by
 * Guice without arguments, it uses the resolver James registers as dnsjava's default ({@code setAsDNSJavaDefault}).
 * A deployment or a test points every check of the hooks and every lookup of the delivery at its DNS with one setting.
 *
 * <p>Every question has a deadline (5 s by default) on top of the resolver's own per-query timeout and retries: past
 * it the answer is a temporary failure and the SMTP reply a 4xx, and the network thread is free again. Answers are
 * cached for their TTL (at most an hour); negative answers for the SOA minimum (RFC 2308), and not at all without an
 * SOA; failures are not cached. Connections asking the same question at the same time share one query.
 *
 * <p>An answer is {@code secure} only when the resolver is trusted to validate DNSSEC ({@code trustsAuthenticatedData})
 * and set the AD flag: dnsjava's validating resolver, or a validating resolver on loopback such as unbound (we ask for
 * the flag, RFC 6840 5.7). An AD flag from an untrusted resolver means nothing and is ignored.
 */
@Singleton
public class ResolverDnsLookup implements DnsLookup {
    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);
    static final Duration MAX_CACHE_TIME = Duration.ofHours(1);
    private static final int MAX_CNAME_HOPS = 8;

    private record Key(String name, int type) {
    }

    private record Cached(DnsAnswer answer, Instant expiresAt) {
    }

    private final Supplier<Resolver> resolver;
    private final BooleanSupplier trustsAuthenticatedData;
    private final Duration deadline;
    private final Clock clock;
    private final Map<Key, CompletableFuture<DnsAnswer>> inFlight = new ConcurrentHashMap<>();
    private final Cache<Key, Cached> cache = CacheBuilder.newBuilder()
        .maximumSize(10_000)
        .expireAfterWrite(MAX_CACHE_TIME)
        .build();

    /** In a stock James: dnsjava's default resolver, which James sets to its configured one. */
    @Inject
    public ResolverDnsLookup() {
        this(Lookup::getDefaultResolver, () -> false, DEFAULT_DEADLINE, Clock.systemUTC());
    }

    /**
     * On {@code resolver}, whose AD flag is believed when {@code trustsAuthenticatedData} says so (both asked each
     * time: the server's resolver is set up after this object is created).
     */
    public ResolverDnsLookup(Supplier<Resolver> resolver, BooleanSupplier trustsAuthenticatedData) {
        this(resolver, trustsAuthenticatedData, DEFAULT_DEADLINE, Clock.systemUTC());
    }

    ResolverDnsLookup(Supplier<Resolver> resolver, BooleanSupplier trustsAuthenticatedData, Duration deadline, Clock clock) {
        this.resolver = resolver;
        this.trustsAuthenticatedData = trustsAuthenticatedData;
        this.deadline = deadline;
        this.clock = clock;
    }

    @Override
    public boolean validatesDnssec() {
        return trustsAuthenticatedData.getAsBoolean();
    }

    @Override
    public DnsAnswer lookup(String name, int type) {
        String normalized = name.toLowerCase(Locale.ROOT);
        Key key = new Key(normalized.endsWith(".") ? normalized.substring(0, normalized.length() - 1) : normalized, type);
        Cached cached = cache.getIfPresent(key);
        Instant now = clock.instant();
        if (cached != null && cached.expiresAt().isAfter(now)) {
            return cached.answer();
        }
        Name question;
        try {
            question = Name.fromString(key.name() + ".");
        } catch (TextParseException e) {
            return DnsAnswer.noRecords();
        }
        Instant until = now.plus(deadline);
        CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
        CompletableFuture<DnsAnswer> pending = inFlight.putIfAbsent(key, mine);
        if (pending != null) {
            // the same question is being asked by another connection (e.g. when a popular entry expires): share it
            return await(pending, until);
        }
        try {
            Resolution resolution = resolve(question, type, until);
            if (!resolution.cacheFor().isZero() && !resolution.cacheFor().isNegative()) {
                Duration time = resolution.cacheFor().compareTo(MAX_CACHE_TIME) > 0 ? MAX_CACHE_TIME : resolution.cacheFor();
                cache.put(key, new Cached(resolution.answer(), now.plus(time)));
            }
            mine.complete(resolution.answer());
            return resolution.answer();
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private DnsAnswer await(CompletableFuture<DnsAnswer> pending, Instant until) {
        try {
            return pending.get(Math.max(1, Duration.between(clock.instant(), until).toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return DnsAnswer.temporaryFailure("timeout waiting for the same question");
        } catch (ExecutionException e) {
            return DnsAnswer.temporaryFailure(String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DnsAnswer.temporaryFailure("interrupted");
        }
    }

    private record Resolution(DnsAnswer answer, Duration cacheFor) {
        static Resolution failure(String problem) {
            return new Resolution(DnsAnswer.temporaryFailure(problem), Duration.ZERO);
        }
    }

    private Resolution resolve(Name name, int type, Instant until) {
        Name current = name;
        long ttl = Long.MAX_VALUE;
        boolean trusted = trustsAuthenticatedData.getAsBoolean();
        boolean secure = trusted;
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            Message response;
            try {
                response = send(current, type, until, trusted);
            } catch (TimeoutException e) {
                return Resolution.failure("timeout asking " + current + " " + Type.string(type));
            } catch (ExecutionException e) {
                return Resolution.failure(current + " " + Type.string(type) + ": " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Resolution.failure("interrupted");
            }
            int rcode = response.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                return Resolution.failure(current + " " + Type.string(type) + ": " + Rcode.string(rcode) + reason(response));
            }
            secure &= response.getHeader().getFlag(Flags.AD);
            List<Record> found = new ArrayList<>();
            boolean followed = false;
            for (int steps = 0; steps <= MAX_CNAME_HOPS; steps++) {
                Name owner = current;
                List<Record> answers = response.getSection(Section.ANSWER);
                answers.stream().filter(r -> r.getType() == type && r.getName().equals(owner)).forEach(found::add);
                if (!found.isEmpty() || type == Type.CNAME) {
                    break;
                }
                CNAMERecord alias = answers.stream()
                    .filter(r -> r.getType() == Type.CNAME && r.getName().equals(owner))
                    .map(CNAMERecord.class::cast)
                    .findFirst().orElse(null);
                if (alias == null) {
                    break;
                }
                ttl = Math.min(ttl, alias.getTTL());
                current = alias.getTarget();
                followed = true;
            }
            if (!found.isEmpty()) {
                for (Record record : found) {
                    ttl = Math.min(ttl, record.getTTL());
                }
                return new Resolution(DnsAnswer.found(found).withSecure(secure), Duration.ofSeconds(ttl));
            }
            if (followed && rcode == Rcode.NOERROR && !hasNegativeAnswer(response)) {
                continue; // the alias target was not in this response: ask for it
            }
            DnsAnswer none = rcode == Rcode.NXDOMAIN ? DnsAnswer.noSuchName() : DnsAnswer.noRecords();
            return new Resolution(none.withSecure(secure), negativeCacheTime(response, ttl));
        }
        return Resolution.failure("CNAME chain too long at " + name);
    }

    /** Why a validating resolver refused the answer (its extended DNS error), when it says. */
    private static String reason(Message response) {
        OPTRecord opt = response.getOPT();
        if (opt == null) {
            return "";
        }
        return opt.getOptions(Code.EDNS_EXTENDED_ERROR).stream()
            .map(option -> " (" + ((ExtendedErrorCodeOption) option).getText() + ")")
            .findFirst().orElse("");
    }

    private static boolean hasNegativeAnswer(Message response) {
        return response.getSection(Section.AUTHORITY).stream().anyMatch(SOARecord.class::isInstance);
    }

    private static Duration negativeCacheTime(Message response, long ttlSoFar) {
        return response.getSection(Section.AUTHORITY).stream()
            .filter(SOARecord.class::isInstance)
            .map(SOARecord.class::cast)
            .map(soa -> Duration.ofSeconds(Math.min(ttlSoFar, Math.min(soa.getTTL(), soa.getMinimum()))))
            .findFirst()
            .orElse(Duration.ZERO);
    }

    private Message send(Name name, int type, Instant until, boolean askForAd) throws InterruptedException, ExecutionException, TimeoutException {
        long remaining = Duration.between(clock.instant(), until).toMillis();
        if (remaining <= 0) {
            throw new TimeoutException();
        }
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (askForAd) {
            query.getHeader().setFlag(Flags.AD);
        }
        return resolver.get().sendAsync(query).toCompletableFuture().get(remaining, TimeUnit.MILLISECONDS);
    }
}
