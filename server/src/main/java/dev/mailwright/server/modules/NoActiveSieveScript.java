package dev.mailwright.server.modules;

import org.apache.james.sieverepository.api.exception.ScriptNotFoundException;

/**
 * "This user has no active Sieve script", as {@link CachedReads} says it again from its cache for every recipient of
 * every message: without a stack trace. The answer is an expected outcome, not a fault (UserSieve delivers to the
 * INBOX and logs nothing); filling in and then pruning (Guice's interceptor) a trace of the spooler's deep stack per
 * recipient was most of the cost of a cached answer.
 */
final class NoActiveSieveScript extends ScriptNotFoundException {
    private static final long serialVersionUID = 1L;

    NoActiveSieveScript() {
        super("No active script");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
