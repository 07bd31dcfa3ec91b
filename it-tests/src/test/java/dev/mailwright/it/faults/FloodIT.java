package dev.mailwright.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.ServerProcess;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;

/**
 * Floods against the server as its own process, with the memory (RSS) it takes: 1000 connections from one address,
 * 1000 from 1000 addresses, idle and trickling (1 byte/s) clients, a 55 MiB DATA past the 50 MiB limit, an
 * unauthenticated IMAP client announcing a 2 GB literal. A client that delivered mail before (a known client) must
 * still deliver within its normal time. The limits are lowered so that 1000 sockets flood past them: 300 connections
 * per listener (30 reserved for known clients, stress from 80 %), 20 per address, idle cut after 8 s (4 s under
 * stress).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FloodIT {
    private static final String KNOWN = "127.0.0.50";
    private static final Duration IDLE = Duration.ofSeconds(8);
    private static final Duration STRESS_IDLE = Duration.ofSeconds(4);

    DnsServer dns;
    ServerProcess server;
    long rssAtStart;
    Duration knownClientBaseline;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = ServerProcess.create(directory, dns);
        server.config()
            .edit("smtpserver.xml", "<connectionLimit>500</connectionLimit>", "<connectionLimit>300</connectionLimit>")
            .edit("smtpserver.xml", "<connectionReserve>50</connectionReserve>", "<connectionReserve>30</connectionReserve>")
            .edit("smtpserver.xml", "<connectiontimeout>300</connectiontimeout>", "<connectiontimeout>" + IDLE.toSeconds() + "</connectiontimeout>")
            .edit("smtpserver.xml", "<stressTimeout>10 seconds</stressTimeout>", "<stressTimeout>" + STRESS_IDLE.toSeconds() + " seconds</stressTimeout>");
        server.start();
        server.admin().addDomain("example.test").addUser("bob@example.test", "bob-secret");
        // the known client delivers once (it becomes known), then its normal time is taken
        knownClientSends("warm-up");
        knownClientBaseline = knownClientSends("baseline");
        rssAtStart = server.rssMiB();
        System.out.println("FloodIT RSS after start and two mails: " + rssAtStart + " MiB; known client's normal time "
            + knownClientBaseline.toMillis() + " ms");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        dns.close();
    }

    @Test
    @Order(1)
    void aThousandConnectionsFromOneAddressGetTheirLimitAndTheKnownClientStillDelivers() {
        List<SmtpClient> open = new ArrayList<>();
        Map<String, Integer> greetings = new TreeMap<>();
        try {
            for (int i = 0; i < 1000; i++) {
                SmtpClient client = SmtpClient.connectFrom("127.0.0.77", server.port(25));
                greetings.merge(firstWords(client.greeting()), 1, Integer::sum);
                if (client.greeting().code() == 220) {
                    open.add(client);
                } else {
                    client.close();
                }
            }
            long rss = server.rssMiB();
            Duration known = knownClientSends("during one-address flood");
            System.out.println("FloodIT one address x1000: " + greetings + "; RSS " + rss + " MiB; known client " + known.toMillis() + " ms");
            assertThat(greetings).containsEntry("220", 20).containsEntry("421 4.7.0", 980);
            assertThat(known).isLessThan(Duration.ofSeconds(5));
        } finally {
            open.forEach(SmtpClient::close);
        }
    }

    @Test
    @Order(2)
    void aThousandConnectionsFromAThousandAddressesFillTheListenerButNotTheReserveAndIdleOnesAreCutUnderStress() {
        List<SmtpClient> open = new ArrayList<>();
        Map<String, Integer> greetings = new TreeMap<>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < 1000; i++) {
                String source = "127.0." + (10 + i / 250) + "." + (1 + i % 250);
                SmtpClient client = SmtpClient.connectFrom(source, server.port(25));
                greetings.merge(firstWords(client.greeting()), 1, Integer::sum);
                if (client.greeting().code() == 220) {
                    open.add(client);
                } else {
                    client.close();
                }
            }
            Duration flooding = Duration.ofNanos(System.nanoTime() - started);
            long rss = server.rssMiB();
            int files = server.openFiles();
            Duration known = knownClientSends("during many-address flood");
            System.out.println("FloodIT 1000 addresses x1 in " + flooding.toMillis() + " ms: " + greetings + "; RSS " + rss
                + " MiB, open files " + files + "; known client " + known.toMillis() + " ms");
            assertThat(greetings.getOrDefault("421 4.7.0", 0)).as("refused when full").isPositive();
            assertThat(known).as("the reserve keeps a known client's normal time").isLessThan(Duration.ofSeconds(5));

            // every connection that got in is cut for idleness within the stress timeout (listener above 80 %)
            // above 80 % (240 of 300) the idle ones are cut after the stress timeout; below it again, after the normal one
            long cutStart = System.nanoTime();
            Map<String, Integer> lastWords = new TreeMap<>();
            for (SmtpClient client : open) {
                Reply reply = client.readReply();
                lastWords.merge(reply == null ? "closed" : firstWords(reply), 1, Integer::sum);
            }
            Duration cutting = Duration.ofNanos(System.nanoTime() - cutStart);
            long underStress = server.logText().lines().filter(line -> line.contains("smtp idle timeout after " + STRESS_IDLE.toSeconds() + " s")).count();
            System.out.println("FloodIT the " + open.size() + " idle connections all ended within " + cutting.toMillis() + " ms: " + lastWords
                + ", " + underStress + " of them after the stress timeout (" + STRESS_IDLE.toSeconds() + " s) until the listener was below 80 %; RSS "
                + server.rssMiB() + " MiB");
            assertThat(lastWords.keySet()).containsOnly("421 4.4.2");
            assertThat(underStress).isGreaterThanOrEqualTo(open.size() - 240);
            assertThat(cutting).isLessThan(IDLE.plusSeconds(3));
        } finally {
            open.forEach(SmtpClient::close);
        }
    }

    @Test
    @Order(3)
    void idleAndTricklingClientsAreCutAfterTheIdleTimeout() throws Exception {
        long start = System.nanoTime();
        try (SmtpClient idle = SmtpClient.connectFrom("127.0.0.81", server.port(25))) {
            idle.ehlo("idle.test");
            Reply reply = idle.readReply();
            Duration after = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("FloodIT idle client cut after " + after.toMillis() + " ms: " + reply);
            assertThat(reply.text()).startsWith("421 4.4.2");
            assertThat(after).isBetween(IDLE.minusSeconds(1), IDLE.plusSeconds(3));
        }

        try (Socket slow = new Socket()) {
            slow.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.82"), 0));
            slow.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port(25)));
            slow.setSoTimeout(1000);
            InputStream in = slow.getInputStream();
            OutputStream out = slow.getOutputStream();
            String greeting = readAvailable(in);
            assertThat(greeting).startsWith("220");
            long trickleStart = System.nanoTime();
            String answer = "";
            String text = "EHLO a-very-slow-client-that-never-ends-its-line.test";
            for (int i = 0; i < 30 && answer.isEmpty(); i++) {
                try {
                    out.write(text.charAt(i % text.length()));
                    out.flush();
                } catch (IOException closed) {
                    break;
                }
                answer = readAvailable(in);
            }
            Duration after = Duration.ofNanos(System.nanoTime() - trickleStart);
            System.out.println("FloodIT trickling client (1 byte/s) cut after " + after.toMillis() + " ms: " + answer.strip());
            assertThat(answer).startsWith("421 4.4.2");
            assertThat(after).isBetween(IDLE.minusSeconds(1), IDLE.plusSeconds(3));
        }
    }

    @Test
    @Order(4)
    void aDeclaredSizeOverTheLimitIsRefusedAtMailFromAndAnUndeclaredOneAfterTheStreamWithoutKeepingMemory() throws Exception {
        try (SmtpClient client = SmtpClient.connectFrom("127.0.0.83", server.port(25))) {
            client.ehlo("big.test");
            Reply reply = client.command("MAIL FROM:<big@big.test> SIZE=" + 60L * 1024 * 1024);
            System.out.println("FloodIT MAIL FROM with SIZE=60 MiB: " + reply);
            assertThat(reply.text()).startsWith("552 5.3.4");
        }

        long before = server.rssMiB();
        String heapBefore = server.heapInfo();
        long start = System.nanoTime();
        Reply reply;
        try (SmtpClient client = SmtpClient.connectFrom("127.0.0.83", server.port(25))) {
            client.ehlo("big.test");
            assertThat(client.mailFrom("big@big.test").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@example.test").code()).isEqualTo(250);
            assertThat(client.command("DATA").code()).isEqualTo(354);
            client.write("From: <big@big.test>\r\nSubject: 55 MiB\r\n\r\n");
            String line = "y".repeat(1022) + "\r\n";
            String block = line.repeat(1024);
            for (int mib = 0; mib < 55; mib++) {
                client.write(block);
            }
            client.write(".\r\n");
            reply = client.readReply();
        }
        long right = server.rssMiB();
        Thread.sleep(15_000);
        long later = server.rssMiB();
        System.out.println("FloodIT undeclared 55 MiB DATA answered in " + Duration.ofNanos(System.nanoTime() - start).toMillis()
            + " ms with \"" + reply + "\"; RSS before " + before + " MiB, just after " + right + " MiB, 15 s later " + later
            + " MiB\n  heap before: " + heapBefore + "\n  heap after: " + server.heapInfo());
        assertThat(reply.text()).startsWith("552 5.3.4");
        assertThat(server.admin().queueSize("spool")).isZero();
    }

    @Test
    @Order(5)
    void anUnauthenticatedImapClientAnnouncingATwoGigabyteLiteralCostsNoMemory() throws Exception {
        long before = server.rssMiB();
        long sent = 0;
        String answer;
        try (Socket imap = new Socket()) {
            imap.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.84"), 0));
            imap.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port(143)));
            imap.setSoTimeout(1000);
            InputStream in = imap.getInputStream();
            OutputStream out = imap.getOutputStream();
            assertThat(readAvailable(in)).startsWith("* OK");
            out.write("a LOGIN {2000000000}\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            answer = readAvailable(in);
            byte[] chunk = new byte[1024 * 1024];
            try {
                for (int i = 0; i < 200; i++) {
                    out.write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException closed) {
                // the server closed the connection
            }
        }
        long after = server.rssMiB();
        System.out.println("FloodIT IMAP LOGIN {2000000000}: \"" + answer.strip() + "\" after " + sent / (1024 * 1024)
            + " MiB sent; RSS before " + before + " MiB, after " + after + " MiB");
        assertThat(answer).contains("BYE");
        assertThat(after - before).isLessThan(100);
    }

    /** What arrives within a second (the socket's timeout), or "" . */
    private static String readAvailable(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            int read = in.read(buffer);
            return read < 0 ? "" : new String(buffer, 0, read, StandardCharsets.US_ASCII);
        } catch (java.net.SocketTimeoutException nothing) {
            return "";
        }
    }

    private Duration knownClientSends(String subject) {
        long start = System.nanoTime();
        try (SmtpClient client = SmtpClient.connectFrom(KNOWN, server.port(25))) {
            assertThat(client.greeting().code()).as("greeting of the known client: %s", client.greeting()).isEqualTo(220);
            client.ehlo("mx.known.test");
            Reply reply = client.send("someone@known.test", List.of("bob@example.test"),
                SmtpClient.message("someone@known.test", "bob@example.test", subject, "from a known client"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
            client.quit();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static String firstWords(Reply reply) {
        String[] words = reply.text().split(" ");
        return reply.code() == 220 ? "220" : words.length > 1 ? words[0] + " " + words[1] : reply.text();
    }
}
