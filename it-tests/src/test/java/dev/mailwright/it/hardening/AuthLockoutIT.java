package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.ImapConnection;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * One password-guessing guard for SMTP AUTH and IMAP LOGIN: wrong IMAP passwords lock the client out of IMAP (the
 * right password is refused then), and a client locked out over SMTP is refused over IMAP too. The limits are
 * lowered here (3 failures, short delays) so that the test stays quick.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthLockoutIT {
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns)
            .edit("imapserver.xml", "<maxFailures>10</maxFailures>", "<maxFailures>3</maxFailures>")
            .edit("imapserver.xml", "<failureDelay>2 seconds</failureDelay>", "<failureDelay>100 ms</failureDelay>")
            .edit("smtpserver.xml", "<maxFailures>10</maxFailures>", "<maxFailures>3</maxFailures>")
            .edit("smtpserver.xml", "<failureDelay>2 seconds</failureDelay>", "<failureDelay>100 ms</failureDelay>")
            .start();
        server.admin().addDomain("example.test").addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    private List<String> login(String client, String password) {
        try (ImapConnection imap = ImapConnection.connect(client, server.port(143)).startTls()) {
            return imap.command("a1 LOGIN bob@example.test " + password);
        }
    }

    @Test
    void wrongImapPasswordsLockTheClientOut() {
        assertThat(login("127.0.0.61", "bob-secret")).last().asString().startsWith("a1 OK");
        for (int i = 0; i < 3; i++) {
            assertThat(String.join("\n", login("127.0.0.61", "guess" + i))).doesNotContain("a1 OK");
        }

        List<String> answer = login("127.0.0.61", "bob-secret");

        assertThat(answer).last().asString().startsWith("a1 NO [ALERT] LOGIN Too many failed logins");
        assertThat(login("127.0.0.62", "bob-secret")).as("another client").last().asString().startsWith("a1 OK");
    }

    @Test
    void aClientLockedOutOverSmtpCannotGoOnOverImap() {
        for (int i = 0; i < 3; i++) {
            try (SmtpClient client = SmtpClient.connectFrom("127.0.0.63", server.port(587))) {
                client.ehlo("guesser.test");
                client.startTls();
                client.ehlo("guesser.test");
                Reply reply = client.authPlain("bob@example.test", "guess" + i);
                assertThat(reply.code()).isEqualTo(535);
            }
        }

        assertThat(login("127.0.0.63", "bob-secret")).last().asString().startsWith("a1 NO [ALERT] LOGIN Too many failed logins");
    }
}
