package dev.mailwright.it.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;

import com.github.dockerjava.api.model.ExposedPort;

import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.MailwrightContainer;
import dev.mailwright.it.support.MailwrightImage;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TlsPeer;
import dev.mailwright.server.startup.SelfSignedCertificate;

/**
 * The image as an organization deploys it: host name, domains, a postmaster password as a Docker secret and its own
 * TLS certificate, all from the environment; clients on the published ports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {
    static final String HOSTNAME = "mx.example.test";
    static final String POSTMASTER_PASSWORD = "postmaster-secret";

    MailwrightContainer server;
    String certificateFingerprint;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        MailwrightImage.assumeAvailable();
        Path secrets = Files.createDirectories(directory.resolve("secrets"));
        Files.writeString(secrets.resolve("postmaster-password"), POSTMASTER_PASSWORD + "\n");
        certificateFingerprint = SelfSignedCertificate.write("tls.example.test", secrets.resolve("privkey.pem"), secrets.resolve("fullchain.pem"));

        server = new MailwrightContainer()
            .withEnv("MAILWRIGHT_HOSTNAME", HOSTNAME)
            .withEnv("MAILWRIGHT_DOMAINS", "example.test, example.org")
            .withEnv("MAILWRIGHT_POSTMASTER_PASSWORD_FILE", "/run/secrets/postmaster-password")
            .withEnv("MAILWRIGHT_TLS_CERT", "/run/secrets/fullchain.pem")
            .withEnv("MAILWRIGHT_TLS_KEY", "/run/secrets/privkey.pem")
            .withReadOnlyFile(secrets, "/run/secrets");
        server.start();
        server.addUser("alice@example.test", "alice-secret").addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theServerIsTheContainersMainProcessAndRunsAsANonRootUser() {
        assertThat(server.exec("cat", "/proc/1/comm").strip()).isEqualTo("java");
        assertThat(server.exec("stat", "-c", "%u", "/proc/1").strip()).isEqualTo("10025");
        assertThat(server.getContainerInfo().getConfig().getUser()).isEqualTo("10025:10025");
    }

    @Test
    void webAdminAnswersOnTheContainersLoopbackOnly() throws Exception {
        assertThat(server.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:8000/healthcheck")).isEqualTo("200");

        ExecResult fromTheNetwork = server.execInContainer("sh", "-c",
            "curl -s -o /dev/null --max-time 5 http://$(hostname -i | cut -d' ' -f1):8000/healthcheck");
        assertThat(fromTheNetwork.getExitCode()).as("curl exit code 7: connection refused").isEqualTo(7);
        assertThat(server.getContainerInfo().getConfig().getExposedPorts())
            .as("the image exposes the mail ports, not WebAdmin")
            .extracting(ExposedPort::getPort).containsExactlyInAnyOrder(25, 465, 587, 143, 993);
    }

    @Test
    void theEnvironmentCreatedTheDomainsAndThePostmasterAccount() {
        assertThat(server.admin("domain", "list").lines()).contains("example.test", "example.org", HOSTNAME);

        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("client.example.net");
            assertThat(client.startTls().code()).isEqualTo(220);
            client.ehlo("client.example.net");
            assertThat(client.authPlain("postmaster@" + HOSTNAME, POSTMASTER_PASSWORD).code()).isEqualTo(235);
        }
    }

    @Test
    void mailSubmittedOnThePublished587IsReadOnThePublished143() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            assertThat(client.greeting().text()).contains(HOSTNAME + " ESMTP Mailwright");
            client.ehlo("client.example.net");
            assertThat(client.startTls().code()).isEqualTo(220);
            client.ehlo("client.example.net");
            assertThat(client.authPlain("alice@example.test", "alice-secret").code()).isEqualTo(235);
            Reply reply = client.send("alice@example.test", List.of("bob@example.test"),
                SmtpClient.message("alice@example.test", "bob@example.test", "Through the container", "published ports"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX"))
                .anySatisfy(raw -> assertThat(raw).contains("Subject: Through the container").contains("by " + HOSTNAME)));
    }

    @Test
    void authBeforeTlsIsRefusedThroughThePublishedPorts() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            assertThat(client.ehlo("client.example.net").text()).contains("STARTTLS").doesNotContain("AUTH");
            Reply auth = client.authPlain("alice@example.test", "alice-secret");
            assertThat(auth.code()).isEqualTo(538);
            assertThat(auth.text()).contains("5.7.11");
        }
        // no AUTH at all on the MX port
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            assertThat(client.ehlo("client.example.net").text()).contains("STARTTLS").doesNotContain("AUTH");
            Reply auth = client.authPlain("alice@example.test", "alice-secret");
            assertThat(auth.code()).isEqualTo(503);
            assertThat(auth.text()).contains("5.5.1");
        }
    }

    @Test
    void theTlsCertificateIsTheOneGivenByTheEnvironmentOnEveryTlsPort() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("client.example.net");
            client.startTls();
            assertThat(TlsPeer.fingerprint(client.peerCertificate())).isEqualTo(certificateFingerprint);
        }
        assertThat(TlsPeer.fingerprint(TlsPeer.certificate(server.port(465)))).isEqualTo(certificateFingerprint);
        assertThat(TlsPeer.fingerprint(TlsPeer.certificate(server.port(993)))).isEqualTo(certificateFingerprint);
        assertThat(server.getLogs()).contains("TLS: certificate /run/secrets/fullchain.pem, key /run/secrets/privkey.pem");
    }
}
