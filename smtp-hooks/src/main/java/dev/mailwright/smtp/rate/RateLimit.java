package dev.mailwright.smtp.rate;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.util.DurationParser;

import dev.mailwright.smtp.policy.Settings;

/** At most {@code max} events per fixed {@code window}, written {@code 100/1h} or {@code 10 / 10 minutes}. */
public record RateLimit(long max, Duration window) {

    static Optional<RateLimit> read(Settings settings, String key) throws ConfigurationException {
        Optional<String> configured = settings.string(key);
        if (configured.isEmpty() || configured.get().equals("0")) {
            return Optional.empty();
        }
        String value = configured.get();
        String[] parts = value.split("/", 2);
        try {
            long max = Long.parseLong(parts[0].strip());
            Duration window = parts.length == 2 ? DurationParser.parse(parts[1].strip(), ChronoUnit.SECONDS) : Duration.ZERO;
            if (max <= 0 || window.isZero() || window.isNegative()) {
                throw new IllegalArgumentException();
            }
            return Optional.of(new RateLimit(max, window));
        } catch (IllegalArgumentException e) {
            throw settings.problem(key, "'" + value + "' is not a limit such as 100/1h or 10/10 minutes");
        }
    }

    /** {@code 10 per 1 minute}, for replies. */
    public String describe() {
        long seconds = window.toSeconds();
        String span;
        if (seconds % 86400 == 0) {
            span = seconds / 86400 + (seconds == 86400 ? " day" : " days");
        } else if (seconds % 3600 == 0) {
            span = seconds / 3600 + (seconds == 3600 ? " hour" : " hours");
        } else if (seconds % 60 == 0) {
            span = seconds / 60 + (seconds == 60 ? " minute" : " minutes");
        } else {
            span = seconds + (seconds == 1 ? " second" : " seconds");
        }
        return max + " per " + span;
    }
}
