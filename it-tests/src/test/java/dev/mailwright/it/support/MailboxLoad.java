package dev.mailwright.it.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Mail into one INBOX from several clients at once: SMTP clients on port 25 (from loopback, one connection each,
 * messages one after the other) and IMAP clients APPENDing. Each message carries a unique token in its subject and
 * body, and the word {@value #WORD}. Bounded in count; {@link #stop()} ends it early. Remembers the tokens the server
 * acknowledged (SMTP 250 after DATA, APPEND OK) and every refusal.
 */
public final class MailboxLoad {
    public static final String WORD = "loadneedle";

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ExecutorService threads;

    private MailboxLoad(int clients) {
        threads = Executors.newFixedThreadPool(clients);
    }

    public static MailboxLoad start(int smtpPort, int imapPort, String user, String password, int smtpClients,
                                    int imapClients, int messagesPerClient) {
        MailboxLoad load = new MailboxLoad(smtpClients + imapClients);
        for (int client = 0; client < smtpClients; client++) {
            String prefix = "s" + client + "n";
            load.threads.submit(() -> load.smtp(smtpPort, user, prefix, messagesPerClient));
        }
        for (int client = 0; client < imapClients; client++) {
            String prefix = "i" + client + "n";
            load.threads.submit(() -> load.imap(imapPort, user, password, prefix, messagesPerClient));
        }
        load.threads.shutdown();
        return load;
    }

    /** About 4 KiB, with its token and the shared word. */
    public static String message(String user, String token) {
        StringBuilder body = new StringBuilder(token).append(' ').append(WORD).append("\r\n");
        while (body.length() < 4000) {
            body.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n");
        }
        return "From: <load@example.test>\r\nTo: <" + user + ">\r\nSubject: load " + token + "\r\nMessage-ID: <" + token
            + "@load.test>\r\n\r\n" + body;
    }

    private void smtp(int port, String user, String prefix, int count) {
        try (SmtpClient client = SmtpClient.connect(port)) {
            client.ehlo("load.test");
            for (int i = 0; i < count && !stopped.get(); i++) {
                String token = prefix + i;
                SmtpClient.Reply reply = client.send("load@example.test", List.of(user), message(user, token));
                if (reply.code() == 250) {
                    acknowledged.add(token);
                } else {
                    refusals.add(token + ": " + reply);
                    client.command("RSET");
                }
            }
            client.quit();
        } catch (RuntimeException e) {
            failures.add(prefix + ": " + e);
        }
    }

    private void imap(int port, String user, String password, String prefix, int count) {
        try (RawImap client = RawImap.login(port, user, password)) {
            for (int i = 0; i < count && !stopped.get(); i++) {
                String token = prefix + i;
                RawImap.Response response = client.append("INBOX", "", message(user, token).getBytes(StandardCharsets.US_ASCII));
                if (response.ok()) {
                    acknowledged.add(token);
                } else {
                    refusals.add(token + ": " + response);
                }
            }
        } catch (RuntimeException e) {
            failures.add(prefix + ": " + e);
        }
    }

    public void stop() {
        stopped.set(true);
    }

    /** Waits for every client to end; false on timeout. */
    public boolean await(Duration timeout) throws InterruptedException {
        return threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void abort() {
        stopped.set(true);
        threads.shutdownNow();
    }

    public Set<String> acknowledged() {
        return Set.copyOf(acknowledged);
    }

    public int acknowledgedCount() {
        return acknowledged.size();
    }

    public List<String> refusals() {
        return new ArrayList<>(refusals);
    }

    /** Connections that ended with an error (expected when the server is killed). */
    public List<String> failures() {
        return new ArrayList<>(failures);
    }

    public static String tokenOfSubject(String subjectLine) {
        int at = subjectLine.indexOf("load ");
        return at < 0 ? null : subjectLine.substring(at + 5).trim();
    }

    static Duration defaultTimeout() {
        return Duration.ofMinutes(5);
    }
}
