package dev.mailwright.server.modules;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * Keeps the answers of a store's lookups for a few seconds, and forgets them all as soon as anything is written
 * through the same store.
 *
 * <p>Delivering one message asks the database the same questions several times (is this a user? what are its
 * aliases? does it have a Sieve script?): at the SMTP RCPT, in the matchers and in the mailets. Answers are kept
 * {@code ttl} at most, so a change made by another node sharing the database is seen within that time; a change made
 * through this server (WebAdmin, IMAP) empties the cache at once (for a reactive write, also once it has run).
 * Single-value reactive answers ({@link Mono}) are kept as their value, errors never; streams and other reactive
 * results are not cached.
 */
final class CachedReads implements MethodInterceptor {
    private static final Set<String> WRITE_PREFIXES = Set.of("add", "remove", "update", "delete", "set", "put", "rename",
        "create", "change", "store", "clear");
    private static final Object ABSENT = new Object();

    /** What the interceptor does with a call of a method: decided once per method, not per call. */
    private enum Kind { CACHED, WRITE, OTHER }

    private final Set<String> cachedMethods;
    private final Map<String, Supplier<? extends Exception>> absences;
    private final Map<String, Class<? extends Exception>> absenceTypes;
    private final Cache<List<Object>, Object> answers;
    private final Duration ttl;
    /** Every method of an intercepted store is seen here (e.g. each recipient's getUsername): no per-call work. */
    private final Map<Method, Kind> kinds = new ConcurrentHashMap<>();
    /** Bumped by every write: an answer read while a write ran is not kept (it may predate the write). */
    private final AtomicLong generation = new AtomicLong();
    /** Told of every write through this server (the cluster tells the other servers to forget too). */
    private volatile Runnable writeListener = () -> { };

    /**
     * @param cachedMethods names of the lookups whose results are kept
     * @param absenceTypes lookups that say "none" by throwing: that exception is kept too and thrown again
     * @param absences how to make a fresh exception of the kept kind
     */
    CachedReads(Duration ttl, Set<String> cachedMethods, Map<String, Class<? extends Exception>> absenceTypes,
                Map<String, Supplier<? extends Exception>> absences) {
        this(ttl, Ticker.systemTicker(), cachedMethods, absenceTypes, absences);
    }

    CachedReads(Duration ttl, Ticker ticker, Set<String> cachedMethods, Map<String, Class<? extends Exception>> absenceTypes,
                Map<String, Supplier<? extends Exception>> absences) {
        this.cachedMethods = Set.copyOf(cachedMethods);
        this.absenceTypes = Map.copyOf(absenceTypes);
        this.absences = Map.copyOf(absences);
        this.ttl = ttl;
        this.answers = CacheBuilder.newBuilder().ticker(ticker).expireAfterWrite(ttl).maximumSize(100_000).build();
    }

    static CachedReads of(Duration ttl, String... cachedMethods) {
        return new CachedReads(ttl, Set.of(cachedMethods), Map.of(), Map.of());
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = invocation.getMethod();
        Kind kind = kinds.computeIfAbsent(method, this::kindOf);
        if (kind == Kind.CACHED) {
            return read(method.getName(), invocation);
        }
        if (kind == Kind.WRITE) {
            Object result;
            try {
                result = invocation.proceed();
            } finally {
                forgetAfterWrite();
            }
            return afterWrite(result, invocation.getMethod().getReturnType());
        }
        return invocation.proceed();
    }

    /** A reactive write runs when subscribed, after the call returned: forget the answers again once it has. */
    private Object afterWrite(Object result, Class<?> declared) {
        if (result instanceof Mono<?> mono) {
            return mono.doFinally(signal -> forgetAfterWrite());
        }
        if (result instanceof Flux<?> flux) {
            return flux.doFinally(signal -> forgetAfterWrite());
        }
        if (result instanceof Publisher<?> publisher && declared.isAssignableFrom(Flux.class)) {
            return Flux.from(publisher).doFinally(signal -> forgetAfterWrite());
        }
        return result;
    }

    void onWrite(Runnable listener) {
        this.writeListener = listener;
    }

    private void forgetAfterWrite() {
        forget();
        writeListener.run();
    }

    /** Forgets every kept answer (a write made elsewhere: another server of the cluster). */
    void forget() {
        generation.incrementAndGet();
        answers.invalidateAll();
    }

    private void keep(List<Object> key, Object answer, long readAt) {
        if (generation.get() == readAt) {
            answers.put(key, answer);
            if (generation.get() != readAt) {
                answers.invalidate(key);
            }
        }
    }

    private Object read(String name, MethodInvocation invocation) throws Throwable {
        List<Object> key = new ArrayList<>(invocation.getArguments().length + 1);
        key.add(name);
        key.addAll(Arrays.asList(invocation.getArguments()));
        Object known = answers.getIfPresent(key);
        if (known == ABSENT) {
            throw absences.get(name).get();
        }
        if (known != null) {
            return known;
        }
        long readAt = generation.get();
        Object answer;
        try {
            answer = invocation.proceed();
        } catch (Exception e) {
            if (Optional.ofNullable(absenceTypes.get(name)).filter(type -> type.isInstance(e)).isPresent()) {
                keep(key, ABSENT, readAt);
            }
            throw e;
        }
        if (answer instanceof Mono<?> mono) {
            Mono<?> kept = mono.cache(value -> ttl, error -> Duration.ZERO, () -> ttl);
            keep(key, kept, readAt);
            return kept;
        }
        if (answer != null && !(answer instanceof InputStream) && !(answer instanceof Publisher)) {
            keep(key, answer, readAt);
        }
        return answer;
    }

    private Kind kindOf(Method method) {
        String name = method.getName();
        if (cachedMethods.contains(name)) {
            return Kind.CACHED;
        }
        return isWrite(name) ? Kind.WRITE : Kind.OTHER;
    }

    private static boolean isWrite(String methodName) {
        return WRITE_PREFIXES.stream().anyMatch(methodName::startsWith);
    }
}
