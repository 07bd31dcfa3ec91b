package dev.mailwright.it.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Mailets that misbehave on purpose, for tests of the spooler: configure them in a test server's
 * {@code mailetcontainer.xml} behind a {@code HasHeader=...} matcher.
 */
public final class FaultMailets {
    /** Released by a test to let {@link Blocking} mailets go on. */
    public static volatile CountDownLatch release = new CountDownLatch(1);

    private FaultMailets() {
    }

    /** Throws {@code StackOverflowError}, as James's MIME code did on deeply nested messages. */
    public static class Overflowing extends GenericMailet {
        @Override
        public void service(Mail mail) {
            throw new StackOverflowError("test: poison mail " + mail.getName());
        }
    }

    /** Blocks until the test releases it (at most 60 s), ignoring interrupts, like a delivery stuck on a lock. */
    public static class Blocking extends GenericMailet {
        @Override
        public void service(Mail mail) throws MessagingException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (release.getCount() > 0 && System.nanoTime() < deadline) {
                try {
                    release.await(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ignored) {
                    // stuck code does not care
                }
            }
        }
    }
}
