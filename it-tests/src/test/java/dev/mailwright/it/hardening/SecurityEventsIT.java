package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailwright.it.support.Commands;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.ShippedLogFormat;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * What a new operator expects of security events and role addresses: a failed SMTP AUTH, a failed IMAP login (the
 * IMAP guard's line) and a refused MAIL FROM are one log line each with the client's address (and the sender it
 * gave); the fail2ban filter of {@code docs/fail2ban} bans the failed logins; a forged sender on submission gets Postfix's {@code 553 5.7.1};
 * postmaster@ and abuse@ of every local domain reach the postmaster; IMAP clients find one junk folder, Junk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityEventsIT {
    static final String OUTSIDE = SmtpClient.OUTSIDE;
    static final String POSTMASTER = "postmaster@" + TestServer.HOSTNAME;
    final ListAppender<ILoggingEvent> events = new ListAppender<>();
    final List<Logger> loggers = List.of(logger("dev.mailwright.smtp.transactions"), logger("dev.mailwright.server.imap.ImapAuthGuard"));
    DnsServer dns;
    TestServer server;

    static Logger logger(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }

    @BeforeAll
    void start(@TempDir Path directory) {
        events.start();
        loggers.forEach(logger -> logger.addAppender(events));
        dns = DnsServer.start().txt("forged.test", "v=spf1 -all");
        server = TestServer.create(directory, dns).start();
        server.admin().addDomain("example.test").addDomain("other.test")
            .addUser("alice@example.test", "alice-secret")
            .addUser("bob@example.test", "bob-secret")
            .addUser(POSTMASTER, "postmaster-secret")
            .addAlias("abuse@other.test", "alice@example.test");
    }

    @BeforeEach
    void clear() {
        events.list.clear();
    }

    @AfterAll
    void stop() {
        loggers.forEach(logger -> logger.detachAppender(events));
        server.close();
        dns.close();
    }

    @Test
    void failedLoginsAndRefusedSendersAreOneLineEachThatTheFail2banFilterBans(@TempDir Path logs) throws Exception {
        try (SmtpClient submission = SmtpClient.connect(server.port(587))) {
            submission.ehlo("laptop.example.test");
            submission.startTls();
            submission.ehlo("laptop.example.test");
            assertThat(submission.authPlain("alice@example.test", "guess-1").code()).isEqualTo(535);
        }
        try (SmtpClient mx = SmtpClient.connectFrom(OUTSIDE, server.port(25))) {
            mx.ehlo("mx.forged.test");
            assertThat(mx.mailFrom("ceo@forged.test").code()).isEqualTo(550);
            mx.mailFrom("someone@elsewhere.test");
            assertThat(mx.rcptTo("bob@example.test").code()).isEqualTo(250);
            assertThat(mx.data(SmtpClient.message("someone@elsewhere.test", "bob@example.test", "hello", "body")).code()).isEqualTo(250);
        }
        // from outside: loopback (a webmail) is exempt from the IMAP guard, which writes the failure line
        Commands.Result imap = Commands.run(List.of("curl", "-s", "-k", "--ssl-reqd", "--max-time", "30", "--interface", OUTSIDE,
            "imap://127.0.0.1:" + server.port(143) + "/INBOX", "-u", "bob@example.test:guess-2"));
        assertThat(imap.exitCode()).as("curl's login").isNotZero();

        await().atMost(Duration.ofSeconds(10)).until(() -> events.list.size() >= 4);
        List<String> lines = events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("smtp outcome=rejected stage=AUTH client=127.0.0.1 ")
            .contains(" user=alice@example.test ").endsWith("reply=\"535 Authentication Failed\""));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("smtp outcome=rejected stage=MAIL client=" + OUTSIDE + " ")
            .contains(" from=<ceo@forged.test> ").contains("reply=\"550 5.7.23"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("imap auth failed client=" + OUTSIDE + " user="));

        // the lines as the shipped logging configuration writes them, given to fail2ban with our filter
        ShippedLogFormat format = ShippedLogFormat.of(server.conf());
        Path log = logs.resolve("mailwright.log");
        Files.writeString(log, String.join("", events.list.stream().map(format::format).toList()));
        Path filter = Path.of(System.getProperty("mailwright.source", "..")).resolve("docs/fail2ban/filter.d/mailwright.conf")
            .toAbsolutePath().normalize();
        long failedLogins = lines.stream()
            .filter(line -> line.startsWith("smtp outcome=rejected stage=AUTH ") || line.startsWith("imap auth failed ")).count();
        assertThat(bannedAddresses(log, filter)).hasSize((int) failedLogins).containsOnly("127.0.0.1", OUTSIDE)
            .contains("127.0.0.1", OUTSIDE);
    }

    /** The addresses fail2ban's filter finds in {@code log}: fail2ban-regex when installed, else the same regexes here. */
    static List<String> bannedAddresses(Path log, Path filter) throws Exception {
        if (Commands.run(List.of("sh", "-c", "command -v fail2ban-regex")).exitCode() == 0) {
            Commands.Result result = Commands.run(List.of("fail2ban-regex", "-v", log.toString(), filter.toString()));
            assertThat(result.exitCode()).as(result.output()).isZero();
            // "|      127.0.0.1  Tue Dec 01 01:15:02 2026": one row per match under its regex
            Matcher match = Pattern.compile("(?m)^\\|\\s{6}(\\S+)\\s{2}\\w{3} \\w{3} ").matcher(result.output());
            List<String> hosts = new java.util.ArrayList<>();
            while (match.find()) {
                hosts.add(match.group(1));
            }
            assertThat(result.output()).contains("0 ignored");
            return hosts;
        }
        System.err.println("fail2ban-regex is not installed: the filter's regexes are checked by the test itself");
        String conf = Files.readString(filter);
        Matcher failregex = Pattern.compile("(?ms)^failregex = (.*?)\\n\\s*\\n").matcher(conf);
        assertThat(failregex.find()).isTrue();
        List<Pattern> patterns = failregex.group(1).lines().map(String::strip).filter(line -> !line.isEmpty())
            .map(line -> Pattern.compile(line.replace("<HOST>", "(?<host>[0-9A-Fa-f.:]+)"))).toList();
        List<String> hosts = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            // fail2ban matches the line without its leading date
            String withoutDate = line.replaceFirst("^\\S+", "");
            patterns.stream().map(pattern -> pattern.matcher(withoutDate)).filter(Matcher::find).findFirst()
                .ifPresent(found -> hosts.add(found.group("host")));
        }
        return hosts;
    }

    @Test
    void aSenderThatIsNotTheUsersIsRefusedWith553AsPostfixDoes() {
        try (SmtpClient submission = SmtpClient.connect(server.port(587))) {
            submission.ehlo("laptop.example.test");
            submission.startTls();
            submission.ehlo("laptop.example.test");
            assertThat(submission.authPlain("alice@example.test", "alice-secret").code()).isEqualTo(235);

            Reply reply = submission.mailFrom("bob@example.test");

            assertThat(reply.code()).isEqualTo(553);
            assertThat(reply.text()).contains("5.7.1 <bob@example.test>: Sender address rejected: not owned by user alice@example.test");
        }
    }

    @Test
    void postmasterAndAbuseOfEveryLocalDomainReachThePostmasterUnlessAnAliasSaysOtherwise() {
        try (SmtpClient mx = SmtpClient.connectFrom(OUTSIDE, server.port(25))) {
            mx.ehlo("mx.elsewhere.test");
            for (String role : List.of("postmaster@example.test", "abuse@example.test", "Postmaster@other.test", "abuse@other.test")) {
                mx.mailFrom("reporter@elsewhere.test");
                Reply rcpt = mx.rcptTo(role);
                assertThat(rcpt.code()).as(role + ": " + rcpt.text()).isEqualTo(250);
                assertThat(mx.data(SmtpClient.message("reporter@elsewhere.test", role, "report to " + role, "body")).code()).isEqualTo(250);
            }
            mx.mailFrom("reporter@elsewhere.test");
            assertThat(mx.rcptTo("hostmaster@example.test").code()).as("not a role address").isEqualTo(550);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(subjects(POSTMASTER, "postmaster-secret"))
            .contains("report to postmaster@example.test", "report to abuse@example.test", "report to Postmaster@other.test"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(subjects("alice@example.test", "alice-secret"))
            .contains("report to abuse@other.test"));
        assertThat(subjects(POSTMASTER, "postmaster-secret")).doesNotContain("report to abuse@other.test");
    }

    @Test
    void clientsFindOneJunkFolderMarkedForJunkMail() {
        // carol receives mail before her first login (INBOX exists): James 3.8.1 would then create no folder at all.
        // Clients ask for the folders' roles as Thunderbird does (the server announces SPECIAL-USE)
        server.admin().addUser("carol@example.test", "carol-secret");
        try (SmtpClient mx = SmtpClient.connect(server.port(25))) {
            mx.ehlo("client.example.test");
            mx.send("someone@elsewhere.test", List.of("carol@example.test"),
                SmtpClient.message("someone@elsewhere.test", "carol@example.test", "first", "body"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> server.admin().messageCount("carol@example.test", "INBOX") == 1);

        Commands.Result list = Commands.run(List.of("curl", "-s", "-k", "--ssl-reqd", "--max-time", "30",
            "imap://127.0.0.1:" + server.port(143) + "/", "-u", "carol@example.test:carol-secret", "-X", "LIST \"\" \"*\" RETURN (SPECIAL-USE)"));

        assertThat(list.exitCode()).as(list.output()).isZero();
        assertThat(list.output()).containsPattern("(?m)^\\* LIST \\([^)]*\\\\Junk[^)]*\\) \"[./]\" \"?Junk\"?\\r?$")
            .containsPattern("(?m)^\\* LIST \\([^)]*\\\\Sent[^)]*\\) \"[./]\" \"?Sent\"?\\r?$")
            .containsPattern("(?m)^\\* LIST \\([^)]*\\) \"[./]\" \"?Drafts\"?\\r?$")
            .containsPattern("(?m)^\\* LIST \\([^)]*\\) \"[./]\" \"?Trash\"?\\r?$")
            .doesNotContain("Spam");
        assertThat(list.output().lines().filter(line -> line.contains("\\Junk")).count()).isEqualTo(1);
    }

    private List<String> subjects(String user, String password) {
        return Imap.messages(server.port(143), user, password, "INBOX").stream()
            .flatMap(String::lines)
            .filter(line -> line.startsWith("Subject: "))
            .map(line -> line.substring("Subject: ".length()))
            .toList();
    }
}
