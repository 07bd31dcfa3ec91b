package dev.mailwright.it.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.MailwrightContainer;
import dev.mailwright.it.support.MailwrightImage;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;

/**
 * An organization's own code in the image, as docs/extending.md tells: the jar of examples/custom-mailet mounted into
 * extensions-jars/, and the two XML files that enable it given in the config path. Its matcher and mailet tag mail
 * from other organizations on delivery, its SMTP hook refuses a blocked sender domain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomMailetIT {
    MailwrightContainer server;

    @BeforeAll
    void start(@TempDir Path directory) throws IOException {
        MailwrightImage.assumeAvailable();
        Path jar = Path.of(System.getProperty("mailwright.example.jar", "../examples/custom-mailet/target/custom-mailet-1.0.0.jar"));
        assertThat(jar).as("the example jar, built by the reactor").isRegularFile();

        Path conf = Files.createDirectories(directory.resolve("conf"));
        Path shipped = Path.of(System.getProperty("mailwright.source", "..")).resolve("conf");
        Files.writeString(conf.resolve("mailetcontainer.xml"), insertAfter(Files.readString(shipped.resolve("mailetcontainer.xml")),
            "<processor state=\"local-delivery\"[^>]*>",
            "<mailet match=\"com.example.mail.ExternalSender\" class=\"com.example.mail.TagExternalMail\"/>"));
        Files.writeString(conf.resolve("smtpserver.xml"), insertAfter(Files.readString(shipped.resolve("smtpserver.xml")),
            "<handlerchain[^>]*>",
            "<handler class=\"com.example.mail.BlockedSenderDomainHook\"><blockedDomains>phish.example</blockedDomains></handler>"));

        server = new MailwrightContainer()
            .withEnv("MAILWRIGHT_HOSTNAME", "mx.example.test")
            .withEnv("MAILWRIGHT_DOMAINS", "example.test")
            .withReadOnlyFile(conf, MailwrightContainer.CONFIG)
            .withReadOnlyFile(jar, MailwrightContainer.EXTENSIONS + "/custom-mailet.jar");
        server.start();
        server.addUser("alice@example.test", "alice-secret").addUser("bob@example.test", "bob-secret");
    }

    /** The shipped file with {@code addition} after the first match of {@code anchor} (which must be there). */
    static String insertAfter(String xml, String anchor, String addition) {
        Matcher matcher = Pattern.compile(anchor).matcher(xml);
        assertThat(matcher.find()).as("the shipped configuration has " + anchor).isTrue();
        return xml.substring(0, matcher.end()) + "\n" + addition + xml.substring(matcher.end());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theServerLoadsTheJarAndTheOverridingFiles() {
        assertThat(server.getLogs())
            .contains("Loading custom classpath resource /opt/mailwright/extensions-jars/custom-mailet.jar")
            .contains("conf/mailetcontainer.xml: yours (/etc/mailwright/mailetcontainer.xml) replaces the shipped file")
            .contains("conf/smtpserver.xml: yours (/etc/mailwright/smtpserver.xml) replaces the shipped file");
    }

    @Test
    void theCustomMailetTagsMailFromAnotherOrganizationOnDelivery() {
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("mx.partner.example");
            Reply reply = client.send("someone@partner.example", List.of("bob@example.test"),
                SmtpClient.message("someone@partner.example", "bob@example.test", "Quarterly figures", "see attached"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX"))
                .anySatisfy(raw -> assertThat(raw)
                    .contains("Subject: [EXTERNAL] Quarterly figures")
                    .contains("X-External-Sender: someone@partner.example")));
    }

    @Test
    void mailFromAColleagueIsLeftAsItIs() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("laptop");
            client.startTls();
            client.ehlo("laptop");
            assertThat(client.authPlain("alice@example.test", "alice-secret").code()).isEqualTo(235);
            Reply reply = client.send("alice@example.test", List.of("bob@example.test"),
                SmtpClient.message("alice@example.test", "bob@example.test", "Lunch", "noon?"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX"))
                .filteredOn(raw -> raw.contains("Subject: Lunch"))
                .singleElement()
                .satisfies(raw -> assertThat(raw).doesNotContain("X-External-Sender").doesNotContain("[EXTERNAL]")));
    }

    @Test
    void theCustomHookRefusesABlockedSenderDomainAtMailFrom() {
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("mx.phish.example");
            Reply reply = client.mailFrom("boss@phish.example");
            assertThat(reply.code()).isEqualTo(550);
            assertThat(reply.text()).contains("5.7.1 Mail from phish.example is refused by policy");
            assertThat(client.mailFrom("someone@partner.example").code()).as("other senders pass").isEqualTo(250);
        }
    }
}
