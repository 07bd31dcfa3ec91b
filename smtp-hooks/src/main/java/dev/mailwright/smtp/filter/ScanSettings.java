package dev.mailwright.smtp.filter;

import java.time.Duration;
import java.util.Locale;

import org.apache.commons.configuration2.ex.ConfigurationException;

import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * What the content filter hooks share in their configuration: the deadline of one scan, what happens when the
 * filter cannot answer, the pause before trying a failed filter again, and the largest message scanned.
 *
 * @param timeout    the deadline of one scan (connection, upload and answer)
 * @param onFailure  {@code accept} (the message is delivered with a header saying it was not scanned) or
 *                   {@code tempfail} (451: the sender retries later)
 * @param retryAfter after a failure, scans are not tried for this long (each message gets {@code onFailure} at once)
 * @param maxSize    larger messages are not scanned (accepted, with a header saying so)
 */
record ScanSettings(Duration timeout, OnFailure onFailure, Duration retryAfter, long maxSize) {

    enum OnFailure { ACCEPT, TEMPFAIL }

    static ScanSettings read(Settings settings, Duration defaultTimeout) throws ConfigurationException {
        Duration timeout = settings.duration("timeout", defaultTimeout);
        if (timeout.isZero() || timeout.isNegative()) {
            throw settings.problem("timeout", "must be positive");
        }
        String failure = settings.string("onFailure").orElse("accept").toLowerCase(Locale.ROOT);
        OnFailure onFailure = switch (failure) {
            case "accept" -> OnFailure.ACCEPT;
            case "tempfail" -> OnFailure.TEMPFAIL;
            default -> throw settings.problem("onFailure", "must be 'accept' or 'tempfail', not '" + failure + "'");
        };
        Duration retryAfter = settings.duration("retryAfter", Duration.ofSeconds(10));
        long maxSize = settings.integer("maxSizeKiB", 25 * 1024) * 1024L;
        return new ScanSettings(timeout, onFailure, retryAfter, maxSize);
    }

    /** The verdict for a message the filter could not scan. */
    Verdict unavailable(String what) {
        return onFailure == OnFailure.TEMPFAIL
            ? Verdict.tempFail("451", "4.7.1", "The message could not be scanned for " + what + ", please try again later")
            : Verdict.accept();
    }
}
