package dev.mailwright.it.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * Every policy in report mode (greylisting switched on too, and a limit of one message per client): a message that
 * each of them would refuse is accepted and delivered, and what each would have replied is in the decision log and
 * in X-Mailwright-Policy headers of the message. The client is 127.0.0.49.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportModeIT {
    static final String CLIENT = "127.0.0.49";
    final ListAppender<ILoggingEvent> decisions = new ListAppender<>();
    final Logger policyLog = (Logger) LoggerFactory.getLogger("dev.mailwright.smtp.policy");
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        decisions.start();
        policyLog.addAppender(decisions);
        dns = DnsServer.start()
            .txt("nobody-sends.test", "v=spf1 -all")
            .txt("bank.test", "v=spf1 -all")
            .txt("_dmarc.bank.test", "v=DMARC1; p=reject");
        server = TestServer.create(directory, dns);
        AcceptanceConf.enableGreylisting(server, "1 hour");
        AcceptanceConf.set(server, "messagesPerClient", "1/1h");
        AcceptanceConf.reportMode(server);
        server.start();
        server.admin().addDomain("example.test").addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        policyLog.detachAppender(decisions);
        server.close();
        dns.close();
    }

    @Test
    void everythingIsAcceptedAndTheWouldBeVerdictsAreRecorded() {
        Reply first;
        Reply second;
        try (SmtpClient smtp = SmtpClient.connectFrom(CLIENT, server.port(25))) {
            smtp.ehlo("mx.forger.test");
            first = smtp.send("x@nobody-sends.test", List.of("bob@example.test"),
                SmtpClient.message("ceo@bank.test", "bob@example.test", "would be refused", "report mode"));
            second = smtp.send("x@nobody-sends.test", List.of("bob@example.test"),
                SmtpClient.message("boss@example.test", "bob@example.test", "would be refused too", "report mode"));
        }

        assertThat(first.code()).as(first.text()).isEqualTo(250);
        assertThat(second.code()).as(second.text()).isEqualTo(250);
        String firstReceived = delivered("would be refused");
        assertThat(firstReceived)
            .contains("X-Mailwright-Policy: spf; mode=report; result=fail; would-reply=\"550 5.7.23 SPF check failed: "
                + "nobody-sends.test does not designate 127.0.0.49 as permitted sender\"")
            .containsPattern("X-Mailwright-Policy: greylist; mode=report; result=new; rcpt=<bob@example\\.test>; "
                + "would-reply=\"451 4\\.7\\.1 Greylisted, please try again in \\d+ seconds\"")
            .contains("X-Mailwright-Policy: dmarc; mode=report; result=fail; rcpt=<bob@example.test>; "
                + "would-reply=\"550 5.7.1 Message rejected: the DMARC policy of bank.test")
            .contains("dmarc=fail (p=reject dis=reject mode=report) header.from=bank.test");
        assertThat(delivered("would be refused too"))
            .contains("X-Mailwright-Policy: rate-messages; mode=report; result=over-limit; would-reply=\"451 4.7.1 Too many messages from 127.0.0.49")
            .contains("X-Mailwright-Policy: spoofing; mode=report; result=forged; rcpt=<bob@example.test>; "
                + "would-reply=\"550 5.7.1 Message rejected: its From address is in our domain example.test");

        assertThat(decisions.list).extracting(ILoggingEvent::getFormattedMessage)
            .anySatisfy(line -> assertThat(line).startsWith("policy=spf mode=report verdict=reject enforced=no result=fail")
                .contains("client=127.0.0.49 helo=mx.forger.test from=<x@nobody-sends.test>"))
            .anySatisfy(line -> assertThat(line).startsWith("policy=dmarc mode=report verdict=reject enforced=no result=fail domain=bank.test"))
            .anySatisfy(line -> assertThat(line).startsWith("policy=greylist mode=report verdict=tempfail enforced=no result=new"))
            .anySatisfy(line -> assertThat(line).startsWith("policy=rate-messages mode=report verdict=tempfail enforced=no"))
            .anySatisfy(line -> assertThat(line).startsWith("policy=spoofing mode=report verdict=reject enforced=no"));
    }

    private String delivered(String subject) {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
            () -> Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX").stream()
                .filter(raw -> raw.contains("Subject: " + subject + "\r\n") || raw.endsWith("Subject: " + subject))
                .findFirst().orElse(null),
            raw -> raw != null);
    }
}
