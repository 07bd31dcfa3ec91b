package dev.mailwright.server.spool;

import java.time.Duration;
import java.util.List;

/**
 * What the spooler does with a mail whose processing failed: a pure decision, from what was thrown and how many
 * times the mail already failed.
 *
 * <p>An {@link Error} (a {@code StackOverflowError} on a malformed message, say) is deterministic: processing it
 * again fails again and each try can stall a worker, so it goes to the error repository at once. An exception may be
 * transient (a database down for a while): the mail is queued again after a growing delay (1 s, 10 s, 1 min, 5 min,
 * 15 min: a 20-minute outage is ridden out), then kept in the error repository. Either way the mail is never
 * dropped.
 */
enum SpoolFailure {
    RETRY,
    ERROR_REPOSITORY;

    private static final List<Duration> DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(15));

    /** How long a mail waits in the spool after its {@code failures}-th failure before it is processed again. */
    static Duration retryDelay(int failures) {
        return DELAYS.get(Math.min(Math.max(failures, 1), DELAYS.size()) - 1);
    }

    /**
     * The next wait before trying again to queue (or keep) a failed mail when even that failed (the queue's disk is
     * full): twice the last one, at most {@code longest}.
     */
    static Duration longer(Duration last, Duration longest) {
        Duration doubled = last.multipliedBy(2);
        return doubled.compareTo(longest) > 0 ? longest : doubled;
    }

    static SpoolFailure decide(Throwable failure, int failures, int maxFailures) {
        if (failure instanceof Error) {
            return ERROR_REPOSITORY;
        }
        return failures > maxFailures ? ERROR_REPOSITORY : RETRY;
    }
}
