package dev.mailwright.it.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.Commands;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.MailwrightContainer;
import dev.mailwright.it.support.MailwrightContainer.Stopped;
import dev.mailwright.it.support.MailwrightImage;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;

/**
 * The data volume: a container started without any variable (its host name given by Docker, {@code docker run
 * --hostname mx.example.test}) is administered through {@code mailwright admin},
 * receives mail, and keeps mail, users and a mail still waiting in a queue across {@code docker stop} (SIGTERM) and
 * {@code docker start}, and when the container is replaced by a new one on the same named volume.
 *
 * <p>Its DNS resolver never answers (a conf override of {@code dnsservice.xml}), so a mail for another organization
 * waits in the queue for its next attempt: the queued mail SIGTERM must not lose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImagePersistenceIT {
    static final String HOSTNAME = "mx.example.test";
    final String volume = "mailwright-it-data-" + Long.toHexString(System.nanoTime());
    Path conf;
    MailwrightContainer server;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        MailwrightImage.assumeAvailable();
        conf = Files.createDirectories(directory.resolve("conf"));
        Path shipped = Path.of(System.getProperty("mailwright.source", "..")).resolve("conf/dnsservice.xml");
        String dnsservice = Files.readString(shipped);
        String silent = dnsservice.replace("<autodiscover>true</autodiscover>",
            "<servers><server>127.0.0.1:9</server></servers><autodiscover>false</autodiscover>");
        assertThat(silent).as("shipped dnsservice.xml has <autodiscover>true</autodiscover>").isNotEqualTo(dnsservice);
        Files.writeString(conf.resolve("dnsservice.xml"), silent);
        server = container();
        server.start();
    }

    MailwrightContainer container() {
        return new MailwrightContainer().withDataVolume(volume).withReadOnlyFile(conf, MailwrightContainer.CONFIG)
            .withCreateContainerCmdModifier(command -> command.withHostName(HOSTNAME));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
            MailwrightContainer.removeVolume(volume);
        }
    }

    @Test
    @Order(0)
    void withoutAHostNameTheContainerRefusesToStartInOneLine() {
        // Docker's default host name is the container id: no mail host name, and never "localhost"
        Commands.Result run = Commands.run(List.of("docker", "run", "--rm", MailwrightImage.NAME));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output().strip()).doesNotContain("\n")
            .startsWith("mailwright-entrypoint: the container's host name ")
            .contains("is not a fully qualified domain name and MAILWRIGHT_HOSTNAME is not set")
            .contains("MAILWRIGHT_HOSTNAME=mail.example.com");
    }

    @Test
    @Order(1)
    void withoutAnyVariableItStartsAndIsAdministeredThroughTheAdminCommand() {
        assertThat(server.getEnvMap()).noneSatisfy((name, value) -> assertThat(name).startsWith("MAILWRIGHT_"));
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            assertThat(client.greeting().text()).as("the container's host name").contains(HOSTNAME + " ESMTP");
        }

        server.addDomain("example.test").addUser("alice@example.test", "alice-secret").addUser("bob@example.test", "bob-secret");
        submit("bob@example.test", "Kept on the volume");
        submit("carol@elsewhere.example", "Waiting for its next attempt");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(bobsSubjects()).contains("Kept on the volume"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.queuedMails()).isEqualTo(1));
    }

    @Test
    @Order(2)
    void sigtermStopsTheServerCleanlyAndEverythingIsBackAfterStart() {
        Stopped stopped = server.dockerStop();
        assertThat(stopped.exitCode()).as("128 + SIGTERM: the JVM ended on the signal, Docker did not need SIGKILL (137)").isEqualTo(143);
        assertThat(stopped.took()).isLessThan(Duration.ofSeconds(10));
        assertThat(server.getLogs()).contains("JAMES server stopped");

        server.dockerStart();

        assertEverythingIsThere();
    }

    @Test
    @Order(3)
    void aNewContainerOnTheSameVolumeHasEverything() {
        server.dockerStop();
        server.stop();
        server = container();
        server.start();

        assertEverythingIsThere();
    }

    @Test
    @Order(4)
    void sigkillRightAfterAcceptanceLosesNoMailAndSearchCatchesUp() {
        List<String> subjects = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            subjects.add("Crash test " + i);
            submit("bob@example.test", "Crash test " + i);
        }
        assertThat(server.dockerKill()).as("128 + SIGKILL").isEqualTo(137);

        server.dockerStart();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(bobsSubjects()).containsAll(subjects));
        assertThat(server.queuedMails()).as("the mail waiting for delivery").isEqualTo(1);
        assertThat(server.getLogs()).contains("did not stop cleanly: rebuilding the search index");
        // SEARCH finds every mail, also those indexed in the seconds before the kill (not yet committed)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
            Imap.searchSubject(server.port(143), "bob@example.test", "bob-secret", "INBOX", "Crash test"))
            .isEqualTo((int) bobsSubjects().stream().filter(subject -> subject.startsWith("Crash test")).count()));
    }

    void assertEverythingIsThere() {
        assertThat(server.admin("domain", "list").lines()).contains("example.test");
        assertThat(bobsSubjects()).contains("Kept on the volume");
        assertThat(server.queuedMails()).as("the mail waiting for delivery").isEqualTo(1);
        submit("bob@example.test", "After the restart");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(bobsSubjects()).contains("After the restart"));
    }

    void submit(String recipient, String subject) {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("client.example.net");
            client.startTls();
            client.ehlo("client.example.net");
            assertThat(client.authPlain("alice@example.test", "alice-secret").code()).as("alice's account").isEqualTo(235);
            Reply reply = client.send("alice@example.test", List.of(recipient), SmtpClient.message("alice@example.test", recipient, subject, "body"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }
    }

    List<String> bobsSubjects() {
        return Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX").stream()
            .flatMap(String::lines)
            .filter(line -> line.startsWith("Subject: "))
            .map(line -> line.substring("Subject: ".length()))
            .toList();
    }
}
