package dev.mailwright.it.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import dev.mailwright.it.support.SmtpClient.Reply;

/**
 * A bounded SMTP load for fault tests: {@code connections} clients, each sending {@code perConnection} messages over
 * one connection, each message with a unique subject and Message-ID ({@code TAG-CONNECTION-N}) so that a mailbox
 * can be checked for "exactly once". It records what the server said for every message:
 * <ul>
 *   <li>{@link #accepted()}: the client received {@code 250} after DATA (the server took responsibility);</li>
 *   <li>{@link #unanswered()}: the whole message was sent and the connection broke before any reply (the server
 *       may or may not have stored it: SMTP cannot tell, RFC 1047);</li>
 *   <li>{@link #refusals()}: every other reply, by its first line.</li>
 * </ul>
 * A client whose connection breaks reconnects when {@code reconnect} is set (after a second, until its messages are
 * done or the load is stopped), else it ends. A refused message is not sent again.
 */
public final class MailLoad {
    private final int port;
    private final String sourceAddress;
    private final String tag;
    private final int connections;
    private final int perConnection;
    private final IntFunction<String> recipientOfConnection;
    private final int bodyBytes;
    private final boolean reconnect;
    private volatile long pauseMillis;
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final List<String> refusedSubjects = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger connectFailures = new AtomicInteger();
    private volatile boolean stopped;

    private MailLoad(int port, String sourceAddress, String tag, int connections, int perConnection,
                     IntFunction<String> recipientOfConnection, int bodyBytes, boolean reconnect) {
        this.port = port;
        this.sourceAddress = sourceAddress;
        this.tag = tag;
        this.connections = connections;
        this.perConnection = perConnection;
        this.recipientOfConnection = recipientOfConnection;
        this.bodyBytes = bodyBytes;
        this.reconnect = reconnect;
    }

    public static MailLoad start(int port, String sourceAddress, String tag, int connections, int perConnection,
                                 IntFunction<String> recipientOfConnection, int bodyBytes, boolean reconnect) {
        MailLoad load = new MailLoad(port, sourceAddress, tag, connections, perConnection, recipientOfConnection, bodyBytes, reconnect);
        for (int c = 0; c < connections; c++) {
            int connection = c;
            Thread thread = new Thread(() -> load.client(connection), "load-" + tag + "-" + c);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    /** Each client waits this long after each message (a load of a known rate); none by default. */
    public MailLoad pauseBetweenMessages(java.time.Duration pause) {
        this.pauseMillis = pause.toMillis();
        return this;
    }

    public static String subject(String tag, int connection, int n) {
        return tag + "-" + connection + "-" + n;
    }

    private void client(int connection) {
        int next = 0;
        String recipient = recipientOfConnection.apply(connection);
        while (next < perConnection && !stopped) {
            SmtpClient client;
            try {
                client = SmtpClient.connectFrom(sourceAddress, port);
            } catch (RuntimeException e) {
                connectFailures.incrementAndGet();
                if (!reconnect) {
                    return;
                }
                pause();
                continue;
            }
            try (client) {
                if (client.greeting().code() != 220) {
                    refused(client.greeting(), null);
                    pause();
                    continue;
                }
                client.ehlo("load.test");
                while (next < perConnection && !stopped) {
                    String subject = subject(tag, connection, next);
                    next = send(client, subject, recipient) ? next + 1 : next;
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis);
                    }
                }
                client.quit();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException broken) {
                // the connection broke (server killed, restarted, disconnected): a message that was sent whole is
                // not sent again (it may be stored), the others are
                if (unanswered.contains(subject(tag, connection, next))) {
                    next++;
                }
                if (!reconnect) {
                    return;
                }
                pause();
            }
        }
    }

    /** One transaction; true when the message is done with (accepted or refused), false to try it again. */
    private boolean send(SmtpClient client, String subject, String recipient) {
        Reply reply = client.mailFrom("load@sender.test");
        if (!reply.positive()) {
            refused(reply, subject);
            client.command("RSET");
            return true;
        }
        reply = client.rcptTo(recipient);
        if (!reply.positive()) {
            refused(reply, subject);
            client.command("RSET");
            return true;
        }
        reply = client.command("DATA");
        if (reply.code() != 354) {
            refused(reply, subject);
            client.command("RSET");
            return true;
        }
        unanswered.add(subject);
        client.write(message(subject, recipient));
        reply = client.readReply();
        if (reply == null) {
            throw new IllegalStateException("connection closed after the message " + subject);
        }
        unanswered.remove(subject);
        if (reply.code() == 250) {
            accepted.add(subject);
        } else {
            refused(reply, subject);
        }
        return true;
    }

    private String message(String subject, String recipient) {
        StringBuilder text = new StringBuilder()
            .append("From: <load@sender.test>\r\nTo: <").append(recipient).append(">\r\nSubject: ").append(subject)
            .append("\r\nMessage-ID: <").append(subject).append("@load.test>\r\n\r\n");
        String line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
        while (text.length() < bodyBytes) {
            text.append(line);
        }
        return text.append(".\r\n").toString();
    }

    private void refused(Reply reply, String subject) {
        String first = reply.text().lines().findFirst().orElse("");
        refusals.computeIfAbsent(first.length() > 60 ? first.substring(0, 60) : first, k -> new AtomicInteger()).incrementAndGet();
        if (subject != null) {
            refusedSubjects.add(subject);
        }
        if (reply.code() >= 400 && reply.code() < 500) {
            // as a real client: a temporary refusal is not followed by the next message at once
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int acceptedCount() {
        return accepted.size();
    }

    public Set<String> accepted() {
        return Set.copyOf(accepted);
    }

    public Set<String> unanswered() {
        return Set.copyOf(unanswered);
    }

    public List<String> refusedSubjects() {
        return List.copyOf(refusedSubjects);
    }

    /** Replies other than 250 after DATA (and 220/250/354 before), by first line, with their counts. */
    public Map<String, Integer> refusals() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        refusals.forEach((reply, count) -> counts.put(reply, count.get()));
        return counts;
    }

    public int connectFailures() {
        return connectFailures.get();
    }

    public int messages() {
        return connections * perConnection;
    }

    /** Waits until every client ended; false if some still run after {@code timeout}. */
    public boolean await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    thread.join(Math.max(1, left / 1_000_000));
                }
                if (thread.isAlive()) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Ends the load: clients stop after their current message. */
    public void stop() {
        stopped = true;
    }
}
