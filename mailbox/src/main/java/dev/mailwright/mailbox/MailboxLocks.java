package dev.mailwright.mailbox;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxPath;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Per-folder locks of this server: writers of a folder (append, copy and move into it) take the write lock around
 * their database transaction and the dispatch of its events, so that IMAP sessions learn new messages in UID
 * order; reading a folder's counters for SELECT takes the read lock, so that the message count it answers never
 * includes a message whose event the session has not received yet. (Between servers, the folder's database row
 * orders the writes.)
 *
 * <p>Unlike James's locker, a lock is always taken and released on the same thread with try/finally, also on the
 * reactive path: any {@link Throwable} (a {@link StackOverflowError} included, which Reactor would rethrow past its
 * cleanup operators) releases the lock.
 *
 * <p>Reactive callers wait for a lock on threads of {@link #WAITING}, never on Reactor's shared bounded-elastic
 * threads: the holder of a write lock needs those to deliver its event to the IMAP sessions (James's listeners run
 * there), and waiters occupying all of them would leave it waiting forever.
 */
public final class MailboxLocks implements MailboxPathLocker {
    /** Threads that may wait for a folder lock (and do the work under it). */
    public static final Scheduler WAITING = Schedulers.newBoundedElastic(256, 100_000, "mailbox-lock", 60, true);

    private final ConcurrentHashMap<MailboxPath, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();

    @Override
    public <T> T executeWithLock(MailboxPath path, LockAwareExecution<T> execution, LockType lockType) throws MailboxException {
        Lock lock = lockOf(path, lockType);
        lock.lock();
        try {
            return execution.execute();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T> Publisher<T> executeReactiveWithLockReactive(MailboxPath path, Publisher<T> execution, LockType lockType) {
        return Mono.fromCallable(() -> {
            Lock lock = lockOf(path, lockType);
            lock.lock();
            try {
                return Mono.from(execution).block();
            } finally {
                lock.unlock();
            }
        }).subscribeOn(WAITING);
    }

    private Lock lockOf(MailboxPath path, LockType lockType) {
        ReentrantReadWriteLock lock = locks.computeIfAbsent(path, any -> new ReentrantReadWriteLock());
        return lockType == LockType.Write ? lock.writeLock() : lock.readLock();
    }
}
