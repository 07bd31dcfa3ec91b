package dev.mailwright.smtp.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import dev.mailwright.smtp.policy.LocalCounters;
import dev.mailwright.smtp.rate.ClientKey;

/**
 * Failed logins per client address (IPv6: its /64) and the lockouts they lead to, shared by every protocol of the
 * server: SMTP AUTH ({@link AuthFailureGuard}) and IMAP LOGIN/AUTHENTICATE count together, so a client locked out
 * on one cannot go on guessing on the other.
 */
@Singleton
public class AuthFailures {
    private static final String FAILURES = "auth-failures";
    private static final String LOCKED = "auth-locked";

    private final LocalCounters counters;

    @Inject
    public AuthFailures(LocalCounters counters) {
        this.counters = counters;
    }

    /** The key a client is counted under (its address; an IPv6 client's /64). */
    public static String clientKey(InetAddress client) {
        return ClientKey.of(client);
    }

    /** Seconds until {@code client}'s lockout ends; empty if it is not locked out. */
    public Optional<Long> lockedFor(InetAddress client) {
        return counters.endOf(LOCKED, clientKey(client)).map(counters::secondsUntil);
    }

    /** Counts a failed login; the {@code maxFailures}-th within {@code window} locks the client out for {@code lockout}. */
    public Failure failed(InetAddress client, int maxFailures, Duration window, Duration lockout) {
        String key = clientKey(client);
        long failures = counters.hit(FAILURES, key, window);
        // counted with other servers, the count may jump past maxFailures: lock at any count from there, once
        boolean locked = counters.shared()
            ? failures >= maxFailures && !counters.isHeld(LOCKED, key)
            : failures == maxFailures;
        if (locked) {
            counters.hold(LOCKED, key, lockout);
        }
        return new Failure(failures, locked);
    }

    /** @param lockedNow whether this failure started a lockout */
    public record Failure(long count, boolean lockedNow) {
    }
}
