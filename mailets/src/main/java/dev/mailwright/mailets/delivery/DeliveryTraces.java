package dev.mailwright.mailets.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mailwright.common.store.StateStore;

/**
 * Where delivery traces and deferred destinations are kept: the {@link StateStore} (the server's database in
 * Mailwright, memory in a stock James), each entry expiring after the retention, plus one log line per attempt.
 * Read by the WebAdmin routes.
 */
public class DeliveryTraces {
    static final String TRACES = "delivery-trace";
    static final String BY_MESSAGE_ID = "delivery-trace-message-id";
    static final String DEFERRED = "delivery-deferred";
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.mailwright.delivery");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 1000;
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** A destination whose last attempt was deferred, and why. */
    public record Deferred(String destination, String since, String lastAttempt, String lastReply, String nextAttempt) {
    }

    private final StateStore store;

    @Inject
    public DeliveryTraces(StateStore store) {
        this.store = store;
    }

    public void record(DeliveryTrace trace, Duration retention) {
        LOGGER.info(trace.logLine());
        String key = trace.mailName() + "|" + trace.time() + "|" + String.format("%012d", SEQUENCE.incrementAndGet());
        store.put(TRACES, key, write(trace), retention);
        if (!trace.messageId().isEmpty()) {
            store.put(BY_MESSAGE_ID, trace.messageId() + "|" + trace.mailName(), trace.mailName(), retention);
        }
    }

    /** Traces of a mail by its name (as in the log and queue), oldest first. */
    public List<DeliveryTrace> ofMail(String mailName) {
        return store.scan(TRACES, mailName + "|", LIMIT).stream().map(entry -> read(entry.value(), DeliveryTrace.class)).toList();
    }

    /** Traces of every copy of a message, by its Message-ID header (with or without angle brackets). */
    public List<DeliveryTrace> ofMessageId(String messageId) {
        String id = messageId.strip();
        if (!id.startsWith("<")) {
            id = "<" + id + ">";
        }
        List<DeliveryTrace> traces = new ArrayList<>();
        store.scan(BY_MESSAGE_ID, id + "|", LIMIT).stream()
            .map(StateStore.Entry::value)
            .distinct()
            .forEach(name -> traces.addAll(ofMail(name)));
        return traces;
    }

    public void deferred(Deferred deferred, Duration retention) {
        Optional<Deferred> previous = store.get(DEFERRED, deferred.destination()).map(entry -> read(entry.value(), Deferred.class));
        Deferred kept = previous.map(old -> new Deferred(deferred.destination(), old.since(), deferred.lastAttempt(),
            deferred.lastReply(), deferred.nextAttempt())).orElse(deferred);
        store.put(DEFERRED, deferred.destination(), write(kept), retention);
    }

    public void reachable(String destination) {
        store.remove(DEFERRED, destination);
    }

    public List<Deferred> deferredDestinations() {
        return store.scan(DEFERRED, "", LIMIT).stream().map(entry -> read(entry.value(), Deferred.class)).toList();
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
