package dev.mailwright.server.spool;

/**
 * What the spooler does with a mail whose processing failed: a pure decision, from what was thrown and how many
 * times the mail already failed.
 *
 * <p>An {@link Error} (a {@code StackOverflowError} on a malformed message, say) is deterministic: processing it
 * again fails again and each try can stall a worker, so it goes to the error repository at once. An exception may be
 * transient (a database hiccup): the mail is queued again, up to {@code maxFailures} times, then kept in the error
 * repository too. Either way the mail is never dropped.
 */
enum SpoolFailure {
    RETRY,
    ERROR_REPOSITORY;

    static SpoolFailure decide(Throwable failure, int failures, int maxFailures) {
        if (failure instanceof Error) {
            return ERROR_REPOSITORY;
        }
        return failures > maxFailures ? ERROR_REPOSITORY : RETRY;
    }
}
