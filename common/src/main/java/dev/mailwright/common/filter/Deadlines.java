package dev.mailwright.common.filter;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Enforces the deadline of a blocking exchange with a scanner by closing its socket when time is up: the blocked
 * read or write then fails at once. One timer thread for the whole JVM; it only closes sockets.
 */
final class Deadlines {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "mailwright-scan-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private Deadlines() {
    }

    static ScheduledFuture<?> closeAfter(Closeable resource, Duration deadline) {
        return TIMER.schedule(() -> {
            try {
                resource.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
