package dev.mailwright.mailets.delivery.retry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The waits between delivery attempts: the n-th temporary failure waits the n-th duration of the list, and every
 * later one the last. The default grows like Postfix's backoff: {@code 5m, 10m, 20m, 40m, 1h, 2h, 4h}.
 */
public record RetrySchedule(List<Duration> delays) {
    public static final String DEFAULT = "5m, 10m, 20m, 40m, 1h, 2h, 4h";

    public RetrySchedule {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("a retry schedule needs at least one delay");
        }
        delays = List.copyOf(delays);
    }

    public static RetrySchedule parse(String text) {
        return new RetrySchedule(Arrays.stream(text.split(","))
            .map(String::strip)
            .filter(part -> !part.isEmpty())
            .map(Durations::parse)
            .toList());
    }

    /** The wait after the {@code failures}-th temporary failure (1 for the first). */
    public Duration delayAfter(int failures) {
        return delays.get(Math.max(0, Math.min(failures, delays.size()) - 1));
    }
}
